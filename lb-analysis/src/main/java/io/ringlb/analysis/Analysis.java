package io.ringlb.analysis;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar lb-analysis.jar <simulate|run|compare> [options]}: the exercise's part A. */
@Command(
    name = "ringlb-analysis",
    mixinStandardHelpOptions = true,
    version = "ringlb analysis 0.1.0",
    description = "The exercise's analysis: how evenly load spreads, how that scales, how a failure is ridden out, what the hash functions change.",
    subcommands = {SimulateCommand.class, RunCommand.class, CompareCommand.class, HealCommand.class})
public final class Analysis {

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    System.exit(new CommandLine(new Analysis()).execute(args));
  }
}
