package io.ringlb.core.fleet;

/**
 * A replica the fleet keeps, whether or not it is in the ring now: what a lookup needs to say
 * where a key would go if it were.
 *
 * @param id the id the strategy places it by, as its replica has or will have
 * @param weight its weight in the ring
 */
public record KeptReplica(String name, int id, int weight) {}
