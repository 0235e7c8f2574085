package io.avalanche.rpm.store;

import io.avalanche.rpm.SpecException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Destinations.s3(bucket, prefix): the typed door for front ends that take bucket and prefix as two fields. */
class DestinationFactoryTest {

    @Test
    void aBucketAndPrefixAreTheSameDestinationAsTheirUrl() {
        Destinations.Destination d = Destinations.s3("avalanchego-rpms", "/staging/el9/");
        assertThat(d).isEqualTo(Destinations.check("s3://avalanchego-rpms/staging/el9"));
        assertThat(d.url()).isEqualTo("s3://avalanchego-rpms/staging/el9");
        assertThat(Destinations.s3("b", "")).isEqualTo(Destinations.check("s3://b"));
        assertThat(Destinations.s3("b", null).prefix()).isEmpty();
        try (ObjectStore s = Destinations.open(Destinations.s3("bucket", "p"), S3Settings.defaults())) {
            assertThat(s.describe("linux/rpms/x.rpm")).isEqualTo("s3://bucket/p/linux/rpms/x.rpm");
        }
    }

    @Test
    void badBucketsAndPrefixesAreRefusedAsTheUrlWouldBe() {
        assertThatThrownBy(() -> Destinations.s3("Bad_Bucket", "")).isInstanceOf(SpecException.class)
                .hasMessageContaining("bucket 'Bad_Bucket' is not a valid S3 bucket name");
        assertThatThrownBy(() -> Destinations.s3(null, "")).isInstanceOf(SpecException.class);
        assertThatThrownBy(() -> Destinations.s3("b", "a/../c")).isInstanceOf(SpecException.class)
                .hasMessageContaining("segment");
        assertThatThrownBy(() -> Destinations.s3("b", "a//c")).hasMessageContaining("segment");
    }
}
