package io.avalanche.rpm.cli;

import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.sign.KeyChoice;
import io.avalanche.rpm.sign.KeyExport;
import io.avalanche.rpm.sign.KeyPurpose;
import io.avalanche.rpm.sign.PackageSigning;
import io.avalanche.rpm.sign.SignResult;
import io.avalanche.rpm.sign.SigningKey;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * rpm-release sign: adds a header-only RSA/SHA-256 signature to RPMs in place and exports the public key (declared
 * without annotations, CommandModel, for its start-up).
 */
final class SignCommand extends CliCommand {
    /** Environment lookup; tests replace it. */
    static Function<String, String> environment = System::getenv;
    /** Standard input for --passphrase-stdin; tests replace it. */
    static InputStream stdin = System.in;

    private final PackageKeyOptions key = new PackageKeyOptions();
    private OptionSpec exportKey;
    private OptionSpec release;
    private PositionalParamSpec rpms;

    @Override
    CommandSpec model() {
        CommandSpec s = CommandModel.command(this, "sign",
                new String[] {"Sign RPM packages in place (header-only OpenPGP signature).", "",
                    "The signature is RSA over SHA-256 of the header, as rpmsign makes it.",
                    "The passphrase is read from an environment variable or standard input, never",
                    "from the command line. The public key is written unless the file already holds",
                    "it (a rotation pair is kept); a file holding anything else (another key, a",
                    "secret key, a package) is refused, never overwritten."},
                new String[] {"", "Examples:",
                    "  rpm-release sign --key release.asc --passphrase-env RPM_KEY_PASS --release \\",
                    "      out/*.rpm",
                    "  rpm-release sign --ephemeral --export-key out/RPM-GPG-KEY-avalanchego \\",
                    "      out/*.rpm"});
        key.declare(s);
        exportKey = CommandModel.add(s, CommandModel.option(Path.class, "FILE", "Where to write the armored public key"
                + " (default: RPM-GPG-KEY-avalanchego beside the first RPM).", "--export-key"));
        release = CommandModel.add(s, CommandModel.flag("Release build: refuse an ephemeral key.", "--release"));
        rpms = CommandModel.packages("Packages to sign.");
        s.addPositional(rpms);
        spec = s;
        return s;
    }

    @Override
    public Integer call() {
        var source = KeyChoice.signingKey(key.request(environment, stdin),
                KeyPurpose.sign(CommandModel.isSet(release)));
        List<Path> rpms = this.rpms.getValue();
        PackageSigning.requireDistinctFiles(rpms);   // before the key is opened
        Path given = exportKey.getValue();
        Path pub = given != null ? given : PathNames.dir(rpms.get(0)).resolve(ReleaseManifest.KEY_FILE);
        try (SigningKey k = source.open()) {
            KeyExport export = KeyExport.of(k, pub);
            export.check();   // before any package is read: a key file that must not be replaced stops here
            var headers = PackageSigning.headersToSign(rpms);
            var applied = PackageSigning.apply(PackageSigning.sign(headers, k.headerSigner()), export);
            return print(lines(k, applied), Main.OK);
        }
    }

    private static List<String> lines(SigningKey key, PackageSigning.Applied applied) {
        List<String> out = new ArrayList<>();
        for (SignResult r : applied.packages()) {
            out.add("signed " + r.file() + " (" + (r.inPlace() ? "in place" : "rewritten") + ") with key "
                    + key.keyId() + (key.external() ? " (" + key.holder() + ")" : ""));
        }
        for (Map.Entry<Path, ReleaseManifest> m : applied.manifests().entrySet()) {
            out.add("updated " + m.getKey().resolve(ReleaseManifest.FILE_NAME) + " (" + m.getValue().files().size()
                    + " files)");
        }
        out.add("public key " + key.primaryFingerprint() + (key.ephemeral() ? " (ephemeral, expires "
                + key.expiresAt().map(Object::toString).orElse("never") + ")" : "")
                + (applied.keyWritten() ? " written to " : " already in ") + applied.keyFile());
        return out;
    }
}
