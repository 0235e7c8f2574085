package io.avalanche.rpm.store;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An endpoint or a region the SDK cannot use is refused when the settings are made, with what to give instead, not
 * after a request has been retried against it.
 */
class S3SettingsTest {
    @Test
    void endpointsAreHttpOrHttpsUrls() {
        for (String ok : List.of("http://127.0.0.1:9000", "https://s3.example.com", "HTTP://minio:9000/")) {
            assertThat(S3Settings.defaults().withEndpoint(ok).endpoint()).hasToString(ok);
            assertThat(S3Settings.fromEnvironment(Map.of("AWS_ENDPOINT_URL", ok)).endpoint()).hasToString(ok);
        }
        assertThatThrownBy(() -> S3Settings.defaults().withEndpoint("ftp://x")).isInstanceOf(StoreException.class)
                .hasMessage("endpoint 'ftp://x' is not an http:// or https:// URL: give e.g. http://127.0.0.1:9000");
        assertThatThrownBy(() -> S3Settings.fromEnvironment(Map.of("AWS_ENDPOINT_URL", "file:///tmp/x")))
                .isInstanceOf(StoreException.class).hasMessageContaining("is not a");
        assertThatThrownBy(() -> S3Settings.defaults().withEndpoint("not-a-url")).isInstanceOf(StoreException.class)
                .hasMessage("endpoint 'not-a-url' is not a URL: give e.g. http://127.0.0.1:9000");
    }

    @Test
    void regionsAreNames() {
        for (String ok : List.of("us-east-1", "eu-central-1", "garage", "US_EAST.1")) {
            assertThat(S3Settings.defaults().withRegion(ok).region()).isEqualTo(ok);
        }
        for (String bad : List.of("us east", "us-east-1/..", "x".repeat(65), "eu-\u00e9")) {
            assertThatThrownBy(() -> S3Settings.defaults().withRegion(bad)).as(bad).isInstanceOf(StoreException.class)
                    .hasMessage("region '" + bad + "' is not a region name: give e.g. us-east-1");
        }
        assertThatThrownBy(() -> S3Settings.fromEnvironment(Map.of("AWS_REGION", "us east")))
                .isInstanceOf(StoreException.class);
    }
}
