package io.avalanche.rpm.pgp;

import io.avalanche.rpm.RpmException;
import io.avalanche.rpm.sign.GpgHome;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Our armor reader agrees with Bouncy Castle's on gpg's output and refuses what is damaged. */
class ArmorTest {
    static String publicKey;
    static String secretKey;

    @BeforeAll
    static void keys() throws Exception {
        try (GpgHome gpg = new GpgHome()) {
            String fpr = gpg.generate(GpgHome.rsa(2048, "sign,cert", null, "armor test"));
            secretKey = gpg.exportSecret(fpr, null);
            publicKey = Files.readString(gpg.exportPublic(fpr, Files.createTempFile("armor", ".asc")));
        }
    }

    private static byte[] bouncyCastle(String armored) throws IOException {
        try (InputStream in = ArmoredInputStream.builder().build(
                new ByteArrayInputStream(armored.getBytes(StandardCharsets.US_ASCII)))) {
            return in.readAllBytes();
        }
    }

    @Test
    void decodesWhatGpgWritesAsBouncyCastleDoes() throws Exception {
        for (String key : List.of(publicKey, secretKey)) {
            List<Armor.Block> blocks = Armor.blocks(key.getBytes(StandardCharsets.US_ASCII));
            assertThat(blocks).hasSize(1);
            assertThat(blocks.get(0).data()).isEqualTo(bouncyCastle(key));
        }
        assertThat(Armor.blocks(publicKey.getBytes(StandardCharsets.US_ASCII)).get(0).type())
                .isEqualTo("PUBLIC KEY BLOCK");
    }

    @Test
    void headersCrlfSeveralBlocksAndNoChecksumLine() throws Exception {
        String withHeaders = publicKey.replaceFirst("-----\n", "-----\nComment: a comment: with colons\nVersion: x\n");
        String crlf = withHeaders.replace("\n", "\r\n");
        String noCrc = publicKey.replaceAll("(?m)^=....\n", "");
        byte[] expected = bouncyCastle(publicKey);
        assertThat(Armor.blocks(crlf.getBytes(StandardCharsets.US_ASCII)).get(0).data()).isEqualTo(expected);
        assertThat(Armor.blocks(noCrc.getBytes(StandardCharsets.US_ASCII)).get(0).data()).isEqualTo(expected);
        List<Armor.Block> two = Armor.blocks(("text before\n" + publicKey + secretKey)
                .getBytes(StandardCharsets.US_ASCII));
        assertThat(two).extracting(Armor.Block::type).containsExactly("PUBLIC KEY BLOCK", "PRIVATE KEY BLOCK");
        byte[] binary = bouncyCastle(publicKey);
        assertThat(Armor.binary(binary)).isEqualTo(binary);
        assertThat(Armor.crc24(new byte[0])).isEqualTo(0xB704CE);
    }

    @Test
    void aDamagedKeyIsRefused() {
        String[] lines = publicKey.split("\n");
        int mid = lines.length / 2;
        char c = lines[mid].charAt(10);
        lines[mid] = lines[mid].substring(0, 10) + (c == 'A' ? 'B' : 'A') + lines[mid].substring(11);
        String damaged = String.join("\n", lines) + "\n";
        assertThatThrownBy(() -> Armor.blocks(damaged.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IOException.class).hasMessageContaining("checksum");
        assertThatThrownBy(() -> TrustedKeys.load(new ByteArrayInputStream(damaged.getBytes(StandardCharsets.US_ASCII)),
                "damaged.asc")).isInstanceOf(RpmException.class).hasMessageContaining("damaged.asc");
        String cut = publicKey.substring(0, publicKey.indexOf("-----END"));
        assertThatThrownBy(() -> Armor.blocks(cut.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(IOException.class).hasMessageContaining("no END line");
    }

    @Test
    void trustedKeysReadTheArmoredKey() {
        TrustedKeys k = TrustedKeys.load(new ByteArrayInputStream(publicKey.getBytes(StandardCharsets.US_ASCII)),
                "pub.asc");
        assertThat(k.keyIds()).hasSize(1);
        assertThatThrownBy(() -> TrustedKeys.load(new ByteArrayInputStream(
                secretKey.getBytes(StandardCharsets.US_ASCII)), "secret.asc")).isInstanceOf(RpmException.class);
    }

    @Test
    void aSecretKeyGivenWhereAPublicKeyIsCheckedIsNamedForWhatItIs() {
        for (String file : List.of(secretKey, publicKey + secretKey)) {
            assertThatThrownBy(() -> TrustedKeys.load(new ByteArrayInputStream(file.getBytes(StandardCharsets.US_ASCII)),
                    "k.asc")).isInstanceOf(RpmException.class)
                    .hasMessage("k.asc: holds a secret key; give only its public key (gpg --armor --export KEYID):"
                            + " checking signatures needs no secret, and a secret key does not belong in that file");
        }
        assertThat(TrustedKeys.load(new ByteArrayInputStream(publicKey.getBytes(StandardCharsets.US_ASCII)), "k.asc")
                .fingerprints()).hasSize(1);
    }
}
