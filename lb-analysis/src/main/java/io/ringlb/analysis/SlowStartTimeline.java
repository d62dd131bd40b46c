package io.ringlb.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * A newcomer's share of the requests second by second since it joined the ring, and the linear
 * ramp slow start aims at: from 0 when it joins to the share it keeps once the ramp is over.
 *
 * @param seconds each window's start, in seconds since the newcomer joined (negative: before)
 * @param requests the requests sent in each window
 * @param shares the newcomer's share of each window's requests, in percent
 * @param fullShare its share once the ramp was over, in percent
 */
record SlowStartTimeline(List<Integer> seconds, List<Integer> requests, List<Double> shares, double fullShare, double rampSeconds) {

  /** Windows before the newcomer joined, to show it had none. */
  private static final int BEFORE = 2;

  static SlowStartTimeline of(List<KeyedLoad.Answer> answers, String newcomer, long joinedNanos, int rampMillis) {
    long last = answers.stream().mapToLong(KeyedLoad.Answer::sentNanos).max().orElse(joinedNanos);
    int windows = BEFORE + (int) ((last - joinedNanos) / 1_000_000_000L) + 1;
    int[] all = new int[windows];
    int[] its = new int[windows];
    long fullAll = 0;
    long fullIts = 0;
    for (KeyedLoad.Answer answer : answers) {
      long since = answer.sentNanos() - joinedNanos;
      int window = (int) Math.floorDiv(since, 1_000_000_000L) + BEFORE;
      boolean taken = newcomer.equals(answer.replica());
      if (window >= 0 && window < windows) {
        all[window]++;
        its[window] += taken ? 1 : 0;
      }
      if (since >= rampMillis * 1_000_000L) {
        fullAll++;
        fullIts += taken ? 1 : 0;
      }
    }
    List<Integer> seconds = new ArrayList<>();
    List<Integer> requests = new ArrayList<>();
    List<Double> shares = new ArrayList<>();
    for (int w = 0; w < windows; w++) {
      seconds.add(w - BEFORE);
      requests.add(all[w]);
      shares.add(all[w] == 0 ? 0 : 100.0 * its[w] / all[w]);
    }
    return new SlowStartTimeline(seconds, requests, shares, fullAll == 0 ? 0 : 100.0 * fullIts / fullAll, rampMillis / 1000.0);
  }

  /** What slow start aims at in each window: the ramp's value at the window's middle. */
  List<Double> ramp() {
    return seconds.stream().map(second -> fullShare * Math.clamp((second + 0.5) / rampSeconds, 0.0, 1.0)).toList();
  }

  /** The newcomer's share in the window that holds {@code second}. */
  double shareAt(double second) {
    int window = seconds.indexOf((int) Math.floor(second));
    return window < 0 ? 0 : shares.get(window);
  }

  List<List<String>> rows() {
    List<Double> ramp = ramp();
    List<List<String>> rows = new ArrayList<>();
    for (int w = 0; w < seconds.size(); w++) {
      rows.add(List.of(Integer.toString(seconds.get(w)), Integer.toString(requests.get(w)), String.format("%.1f%%", shares.get(w)),
          String.format("%.1f%%", ramp.get(w))));
    }
    return rows;
  }
}
