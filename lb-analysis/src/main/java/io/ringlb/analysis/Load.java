package io.ringlb.analysis;

import java.time.Duration;

/** One way of loading a contender for a while ({@link Wrk}, {@link H2load}, {@link TlsHandshakes}), and what it measured. */
interface Load {

  WrkResult load(Contender contender, Duration duration);
}
