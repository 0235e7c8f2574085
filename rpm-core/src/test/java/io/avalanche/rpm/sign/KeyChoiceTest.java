package io.avalanche.rpm.sign;

import io.avalanche.rpm.SpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every rule of key choice, in the one place that decides it, with the wording the command line shows. */
class KeyChoiceTest {
    @TempDir
    Path dir;

    private final AtomicInteger reads = new AtomicInteger();

    private KeyRequest.Secret secret(String option, String value) {
        return new KeyRequest.Secret(option, () -> {
            reads.incrementAndGet();
            return value.toCharArray();
        });
    }

    private Path file(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "x");
    }

    private KeyRequest.Token token(Path module, Path cert, KeyRequest.Secret... pin) {
        return new KeyRequest.Token(module, "release", "rpm-2026", List.of(pin), cert);
    }

    private static void refused(KeyRequest r, KeyPurpose p, String message) {
        assertThatThrownBy(() -> KeyChoice.of(r, p)).isInstanceOf(SpecException.class).hasMessage(message);
    }

    @Test
    void oneKindOfKeyOnly() throws IOException {
        Path key = file("key.asc");
        refused(new KeyRequest(key, true, List.of(), null, null), KeyPurpose.sign(false),
                "give either --key FILE or --ephemeral, not both");
        refused(new KeyRequest(key, false, List.of(), null, "ABCD"), KeyPurpose.publish("file:/b", false),
                "give either --key FILE or --sign-with KEY_ID, not both");
        KeyRequest.Token t = token(file("module.so"), file("cert.asc"), secret("--pin-env", "1234"));
        for (String other : List.of("--key", "--ephemeral", "--sign-with")) {
            KeyRequest r = new KeyRequest(other.equals("--key") ? key : null, other.equals("--ephemeral"), List.of(),
                    t, other.equals("--sign-with") ? "ABCD" : null);
            refused(r, KeyPurpose.publish("file:/b", false), "give either " + other + " or a token key"
                    + " (--pkcs11-module, --pkcs11-token, --pkcs11-key, --cert), not both");
        }
        refused(new KeyRequest(null, false, List.of(), t, null), KeyPurpose.pullRequest(),
                "give either --pr or a token key (--pkcs11-module, --pkcs11-token, --pkcs11-key, --cert), not both");
        assertThat(reads).as("no secret is read when the options are refused").hasValue(0);
    }

    @Test
    void aPassphraseBelongsToAKeyFileAndAPinToACompleteToken() throws IOException {
        refused(new KeyRequest(null, true, List.of(secret("--passphrase-env", "p")), null, null),
                KeyPurpose.sign(false), "--passphrase-env applies only to --key");
        refused(new KeyRequest(file("k"), false, List.of(secret("--passphrase-env", "p"),
                secret("--passphrase-stdin", "p")), null, null), KeyPurpose.sign(false),
                "give either --passphrase-env or --passphrase-stdin, not both");
        Path module = file("module.so");
        Path cert = file("cert.asc");
        refused(new KeyRequest(null, false, List.of(secret("--passphrase-stdin", "p")),
                token(module, cert, secret("--pin-env", "1")), null), KeyPurpose.sign(false),
                "--passphrase-stdin applies only to --key; a token takes --pin-env or --pin-stdin");
        refused(new KeyRequest(null, false, List.of(), new KeyRequest.Token(module, null, null,
                List.of(secret("--pin-env", "1")), cert), null), KeyPurpose.sign(false),
                "a token key needs --pkcs11-module FILE, --pkcs11-token LABEL and --pkcs11-key LABEL"
                        + " (missing: --pkcs11-token, --pkcs11-key)");
        refused(new KeyRequest(null, false, List.of(), new KeyRequest.Token(null, null, null,
                List.of(secret("--pin-env", "1")), null), null), KeyPurpose.packaging(),
                "a token key needs --pkcs11-module FILE, --pkcs11-token LABEL and --pkcs11-key LABEL"
                        + " (missing: --pkcs11-module, --pkcs11-token, --pkcs11-key)");
        refused(new KeyRequest(null, false, List.of(), token(module, cert), null), KeyPurpose.sign(false),
                "give the token's user PIN with exactly one of --pin-env VAR or --pin-stdin");
        refused(new KeyRequest(null, false, List.of(), token(module, cert, secret("--pin-env", "1"),
                secret("--pin-stdin", "1")), null), KeyPurpose.sign(false),
                "give the token's user PIN with exactly one of --pin-env VAR or --pin-stdin");
        refused(new KeyRequest(null, false, List.of(), token(dir.resolve("none.so"), cert, secret("--pin-env", "1")),
                null), KeyPurpose.sign(false), "--pkcs11-module " + dir.resolve("none.so") + ": no such file; give the"
                + " token's PKCS#11 module (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)");
        refused(new KeyRequest(null, false, List.of(), token(dir, cert, secret("--pin-env", "1")), null),
                KeyPurpose.sign(false), "--pkcs11-module " + dir + ": is a directory; give the token's PKCS#11"
                        + " module (SoftHSM2: /usr/lib/softhsm/libsofthsm2.so)");
        refused(new KeyRequest(null, false, List.of(), token(module, null, secret("--pin-env", "1")), null),
                KeyPurpose.sign(false), "a token key needs --cert FILE: the armored OpenPGP certificate of the key"
                        + " (rpm-release keygen --export-key wrote it)");
        refused(new KeyRequest(null, false, List.of(), token(module, dir.resolve("no.asc"), secret("--pin-env", "1")),
                null), KeyPurpose.sign(false), "--cert " + dir.resolve("no.asc") + ": no such file");
        assertThat(reads).hasValue(0);

        KeyChoice t = KeyChoice.of(new KeyRequest(null, false, List.of(), token(module, cert,
                secret("--pin-env", "1234")), null), KeyPurpose.sign(true)).orElseThrow();
        assertThat(t).isInstanceOf(KeySource.Pkcs11.class);
        assertThat(((KeySource.Pkcs11) t).pin()).containsExactly('1', '2', '3', '4');
        assertThat(t.describe()).isEqualTo("key 'rpm-2026' on PKCS#11 token 'release'");
        assertThat(reads).as("the PIN is read once the options are good").hasValue(1);
    }

    @Test
    void whatEachPurposeDoesWithoutAKey() {
        refused(KeyRequest.NONE, KeyPurpose.sign(false), "give a signing key: --key FILE, --ephemeral, or a token key"
                + " (--pkcs11-module, --pkcs11-token, --pkcs11-key, --pin-env|--pin-stdin, --cert)");
        refused(KeyRequest.NONE, KeyPurpose.sign(true), "give a signing key: --key FILE, --ephemeral, or a token key"
                + " (--pkcs11-module, --pkcs11-token, --pkcs11-key, --pin-env|--pin-stdin, --cert)");
        refused(KeyRequest.NONE, KeyPurpose.release("s3://b", true), "a release needs a signing key: pass --key FILE,"
                + " or --ephemeral explicitly for a local trial release (never published to S3)");
        assertThat(KeyChoice.of(KeyRequest.NONE, KeyPurpose.pullRequest())).containsInstanceOf(KeySource.Ephemeral.class);
        assertThat(KeyChoice.of(KeyRequest.NONE, KeyPurpose.packaging())).isEmpty();
        assertThat(KeyChoice.of(KeyRequest.NONE, KeyPurpose.publish("s3://b", true))).isEmpty();
    }

    @Test
    void anEphemeralKeyNeverSignsAReleaseOrWhatCustomersVerify() {
        KeyRequest eph = KeyRequest.ephemeralKey();
        refused(eph, KeyPurpose.sign(true), "--release refuses --ephemeral: a release must be signed with the release"
                + " key (--key FILE)");
        refused(eph, KeyPurpose.release("s3://bucket/prefix", true), "refusing to publish an ephemeral-signed release"
                + " to s3://bucket/prefix: customers could never verify it; sign with --key FILE");
        refused(eph, KeyPurpose.publish("s3://bucket", true), "refusing to publish an ephemeral-signed release to"
                + " s3://bucket: customers could never verify it; sign with --key FILE");
        for (KeyPurpose p : List.of(KeyPurpose.sign(false), KeyPurpose.packaging(), KeyPurpose.pullRequest(),
                KeyPurpose.release("file:/tmp/b", false), KeyPurpose.release(null, false),
                KeyPurpose.publish("file:/tmp/b", false))) {
            KeyChoice c = KeyChoice.of(eph, p).orElseThrow();
            assertThat(c.ephemeral()).as(p.toString()).isTrue();
            assertThat(c.describe()).isEqualTo("ephemeral RSA-4096 key, valid one day");
        }
    }

    @Test
    void aKeyFileAGpgKeyAndThePullRequestRule() throws IOException {
        Path key = file("release.asc");
        refused(KeyRequest.keyFile(key, null), KeyPurpose.pullRequest(),
                "pull-request builds sign with an ephemeral key: do not pass --key with --pr");
        refused(KeyRequest.keyFile(dir.resolve("missing.asc"), null), KeyPurpose.sign(true),
                "--key " + dir.resolve("missing.asc") + ": no such file");
        refused(new KeyRequest(null, false, List.of(), null, "ABCD1234"), KeyPurpose.sign(false),
                "--sign-with ABCD1234 signs repository metadata only (publish)");
        assertThat(reads).hasValue(0);
        KeySource.KeyFile k = (KeySource.KeyFile) KeyChoice.signingKey(KeyRequest.keyFile(key,
                secret("--passphrase-env", "pass")), KeyPurpose.release("s3://b", true));
        assertThat(k.file()).isEqualTo(key);
        assertThat(k.passphrase()).containsExactly('p', 'a', 's', 's');
        assertThat(k.describe()).isEqualTo("key " + key);
        assertThat(KeyChoice.of(new KeyRequest(null, false, List.of(), null, "ABCD1234"),
                KeyPurpose.publish("s3://b", true))).contains(new KeyChoice.GpgAgent("ABCD1234"));
        assertThat(KeyChoice.of(KeyRequest.keyFile(key, null), KeyPurpose.packaging()).orElseThrow().ephemeral())
                .isFalse();
    }
}
