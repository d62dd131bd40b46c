package io.ringlb.replica;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The replica's endpoints, at the root of its server. */
@ApplicationPath("/")
public class ReplicaApplication extends Application {}
