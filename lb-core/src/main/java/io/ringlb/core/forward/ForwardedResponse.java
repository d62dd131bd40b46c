package io.ringlb.core.forward;

import io.ringlb.api.Replica;
import java.util.List;
import java.util.Map;

/**
 * A replica's answer, to pass back to the client.
 *
 * @param status the replica's status code
 * @param headers the replica's headers less the hop-by-hop ones
 * @param body the replica's body
 * @param replica the replica that answered
 * @param attempts how many replicas were tried, 1 when the first answered
 */
public record ForwardedResponse(int status, Map<String, List<String>> headers, byte[] body, Replica replica, int attempts) {}
