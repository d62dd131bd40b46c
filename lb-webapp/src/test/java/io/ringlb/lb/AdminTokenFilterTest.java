package io.ringlb.lb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which {@code Authorization} headers may change the fleet, with {@code lb.admin.token} set and without. */
class AdminTokenFilterTest {

  private final AdminTokenFilter locked = new AdminTokenFilter(Optional.of("s3cret"));

  @Test
  void withoutATokenEveryCallPasses() {
    assertThat(new AdminTokenFilter(Optional.empty()).refusal(null)).isEmpty();
    assertThat(new AdminTokenFilter(Optional.of("  ")).refusal(null)).as("a blank token locks nothing").isEmpty();
  }

  @Test
  void theTokenAsABearerPasses() {
    assertThat(locked.refusal("Bearer s3cret")).isEmpty();
    assertThat(locked.refusal("bearer  s3cret ")).as("the scheme in any case, spaces around the token").isEmpty();
    assertThat(new AdminTokenFilter(Optional.of(" s3cret\n")).refusal("Bearer s3cret")).as("the configured token stripped").isEmpty();
  }

  @Test
  void noHeaderOrAnotherSchemeIsToldWhatToSend() {
    assertThat(locked.refusal(null)).hasValueSatisfying(problem -> assertThat(problem).contains("needs 'Authorization: Bearer <token>'")
        .contains("lb.admin.token").endsWith("nothing was changed"));
    assertThat(locked.refusal("Basic czNjcmV0")).hasValueSatisfying(problem -> assertThat(problem).contains("needs 'Authorization"));
  }

  @Test
  void aWrongTokenIsRefused() {
    assertThat(locked.refusal("Bearer s3cre")).contains("The bearer token is not the admin token; nothing was changed");
    assertThat(locked.refusal("Bearer s3crets")).isPresent();
    assertThat(locked.refusal("Bearer ")).isPresent();
    assertThat(locked.refusal("Bearer S3CRET")).as("the token, unlike the scheme, in its own case").isPresent();
  }
}
