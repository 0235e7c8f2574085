package io.avalanche.rpm.cli;

import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.sign.HeaderSigner;
import io.avalanche.rpm.sign.HeaderToSign;
import io.avalanche.rpm.sign.RpmSigner;
import io.avalanche.rpm.sign.SignResult;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.sign.SigningKeys;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** rpm-release sign: adds a header-only RSA/SHA-256 signature to RPMs in place and exports the public key. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = {"Sign RPM packages with a header-only OpenPGP signature (RSA, SHA-256), in place.",
                "The passphrase is read from an environment variable or standard input, never from the command line."},
        footer = {"", "Examples:",
                "  rpm-release sign --key release.asc --passphrase-env RPM_KEY_PASS --release out/*.rpm",
                "  rpm-release sign --ephemeral --export-key out/RPM-GPG-KEY-avalanchego out/*.rpm"})
final class SignCommand implements Callable<Integer> {
    /** Environment lookup; tests replace it. */
    static Function<String, String> environment = System::getenv;
    /** Standard input for --passphrase-stdin; tests replace it. */
    static InputStream stdin = System.in;

    @Spec
    CommandSpec spec;

    static final class KeySource {
        @Option(names = "--key", paramLabel = "FILE", description = "ASCII-armored secret key file.")
        Path key;

        @Option(names = "--ephemeral", description = "Generate a throw-away RSA-4096 key that expires in 1 day.")
        boolean ephemeral;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    KeySource source = new KeySource();

    @picocli.CommandLine.Mixin
    Pkcs11Options pkcs11 = new Pkcs11Options();

    @Option(names = "--passphrase-env", paramLabel = "VAR", description = "Environment variable holding the passphrase.")
    String passphraseEnv;

    @Option(names = "--passphrase-stdin", description = "Read the passphrase from the first line of standard input.")
    boolean passphraseStdin;

    @Option(names = "--export-key", paramLabel = "FILE",
            description = "Where to write the armored public key (default: RPM-GPG-KEY-avalanchego beside the first RPM).")
    Path exportKey;

    @Option(names = "--release", description = "Release build: refuse an ephemeral key.")
    boolean release;

    @Parameters(arity = "1..*", paramLabel = "RPM", description = "Packages to sign.")
    List<Path> rpms;

    @Override
    public Integer call() {
        io.avalanche.rpm.release.KeySource tokenKey = pkcs11.keySource(source.key != null ? "--key"
                : source.ephemeral ? "--ephemeral" : null, environment, stdin);
        if (tokenKey == null && source.key == null && !source.ephemeral) {
            throw new SpecException("give a signing key: --key FILE, --ephemeral, or a token key (--pkcs11-module,"
                    + " --pkcs11-token, --pkcs11-key, --pin-env|--pin-stdin, --cert)");
        }
        if (tokenKey != null && (passphraseEnv != null || passphraseStdin)) {
            throw new SpecException("--passphrase-env / --passphrase-stdin apply only to --key; a token takes --pin-env"
                    + " or --pin-stdin");
        }
        if (source.ephemeral && release) {
            throw new SpecException("--release refuses --ephemeral: a release must be signed with the release key"
                    + " (--key FILE)");
        }
        if (source.ephemeral && (passphraseEnv != null || passphraseStdin)) {
            throw new SpecException("--passphrase-env / --passphrase-stdin apply only to --key");
        }
        if (passphraseEnv != null && passphraseStdin) {
            throw new SpecException("give either --passphrase-env or --passphrase-stdin, not both");
        }
        if (source.key != null && !Files.isRegularFile(source.key)) {
            throw new SpecException("--key " + source.key + ": no such file");
        }
        for (Path p : rpms) {
            if (!Files.isRegularFile(p)) {
                throw new SpecException(p + ": no such package file");
            }
        }
        try (SigningKey key = tokenKey != null ? tokenKey.open() : source.ephemeral ? SigningKeys.ephemeral() : loadKey()) {
            return signAll(key);
        }
    }

    /** Signs every header first, then writes the signatures: a key or token failing midway leaves every RPM as it was. */
    private Integer signAll(SigningKey key) {
        PrintWriter out = spec.commandLine().getOut();
        // every package is read and its digests checked before any is changed; all signatures are made before any
        // is written: a corrupt package or a key/token failing midway leaves every RPM as it was
        List<HeaderToSign> headers = rpms.stream().map(RpmSigner::headerToSign).toList();
        HeaderSigner signer = key.headerSigner();
        List<byte[]> signatures = headers.stream().map(h -> signer.sign(h.headerBytes())).toList();
        for (int i = 0; i < rpms.size(); i++) {
            Path p = rpms.get(i);
            SignResult r = RpmSigner.applySignature(p, signatures.get(i), headers.get(i).sha256());
            out.println("signed " + p + " (" + (r.inPlace() ? "in place" : "rewritten") + ") with key " + key.keyId()
                    + (key.external() ? " (" + key.holder() + ")" : ""));
        }
        Path pub = exportKey != null ? exportKey
                : PathNames.dir(rpms.get(0)).resolve(ReleaseManifest.KEY_FILE);
        key.exportPublicKey(pub);
        for (Path dir : rpms.stream().map(PathNames::dir).distinct().toList()) {
            if (Files.isRegularFile(dir.resolve(ReleaseManifest.FILE_NAME))) {
                ReleaseManifest m = ReleaseManifest.read(dir).refresh(dir, PathNames.name(pub));
                out.println("updated " + dir.resolve(ReleaseManifest.FILE_NAME) + " (" + m.files().size() + " files)");
            }
        }
        out.println("public key " + key.primaryFingerprint() + (key.ephemeral() ? " (ephemeral, expires "
                + key.expiresAt().map(Object::toString).orElse("never") + ")" : "") + " written to " + pub);
        out.flush();
        return Main.OK;
    }

    private SigningKey loadKey() {
        char[] pass = passphrase();
        try (InputStream in = Files.newInputStream(source.key)) {
            return SigningKeys.load(in, pass, source.key.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(source.key + ": cannot read the key: " + e.getMessage(), e);
        } finally {
            if (pass != null) {
                Arrays.fill(pass, '\0');
            }
        }
    }

    private char[] passphrase() {
        if (passphraseEnv != null) {
            return Passphrases.fromEnv(passphraseEnv, environment);
        }
        if (passphraseStdin) {
            try {
                String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
                if (line == null) {
                    throw new SpecException("--passphrase-stdin: standard input is empty");
                }
                return line.toCharArray();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the passphrase from standard input", e);
            }
        }
        return null;
    }
}
