package io.ringlb.lb;

import java.io.File;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/** The balancer exactly as built, deployed by Arquillian into the managed Liberty server. */
final class Deployments {

  private Deployments() {}

  static WebArchive balancer() {
    return ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("lb.war")));
  }
}
