package io.ringlb.lb;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The balancer's API and the forwarder, at the root of the server. */
@ApplicationPath("/")
public class BalancerApplication extends Application {}
