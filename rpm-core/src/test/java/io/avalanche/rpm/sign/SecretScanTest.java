package io.avalanche.rpm.sign;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The leak scanner itself can fail: it finds a passphrase, the armor line, and a lone base64 line of the key. */
class SecretScanTest {
    @Test
    void detectsLeaksButNotPublicMaterial(@TempDir Path dir) throws IOException {
        try (GpgHome gpg = new GpgHome()) {
            String fpr = gpg.generate(GpgHome.rsa(2048, "sign,cert", "pass-phrase-xyz", "scan test"));
            String secret = gpg.exportSecret(fpr, "pass-phrase-xyz");
            String pub = gpg.gpg("--armor", "--export", fpr).ok().out();
            SecretScan scan = new SecretScan("pass-phrase-xyz", secret, pub);

            assertThatCode(() -> scan.assertClean("public key", pub)).doesNotThrowAnyException();
            assertThatThrownBy(() -> scan.assertClean("log", "unlocking with pass-phrase-xyz")).isInstanceOf(AssertionError.class);
            assertThatThrownBy(() -> scan.assertClean("log", secret)).isInstanceOf(AssertionError.class);
            String deep = scan.keyLines().get(scan.keyLines().size() / 2);
            assertThatThrownBy(() -> scan.assertClean("log", "x " + deep + " y")).isInstanceOf(AssertionError.class);
            Files.writeString(dir.resolve("leak.txt"), deep);
            assertThatThrownBy(() -> scan.assertTreeClean(dir)).isInstanceOf(AssertionError.class);
        }
    }
}
