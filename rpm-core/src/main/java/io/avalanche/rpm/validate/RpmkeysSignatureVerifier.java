package io.avalanche.rpm.validate;

import io.avalanche.rpm.IoErrors;
import io.avalanche.rpm.ProcessRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Signature check with the rpm tools: imports the key into a private database, then
 * {@code rpmkeys --checksig} with {@code _pkgverify_level signature} (digests and signature required).
 */
public final class RpmkeysSignatureVerifier implements SignatureVerifier {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    @Override
    public Outcome check(Path rpm, Path publicKey) {
        Path db = null;
        try {
            db = Files.createTempDirectory("rpm-release-keys");
            String dbpath = db.toAbsolutePath().toString();
            ProcessRunner.Result imp = ProcessRunner.of("rpmkeys", "--dbpath", dbpath, "--import",
                    publicKey.toString()).timeout(TIMEOUT).run();
            if (!imp.ok()) {
                return new Outcome(false, "cannot import the trusted key " + publicKey.getFileName() + " ("
                        + imp.describe() + ")", imp.output());
            }
            ProcessRunner.Result k = ProcessRunner.of("rpmkeys", "--dbpath", dbpath, "-v", "--checksig",
                    "--define", "_pkgverify_level signature", rpm.toString()).timeout(TIMEOUT).run();
            String out = k.output();
            boolean bad = out.contains("NOT OK") || out.contains("BAD") || out.contains("NOKEY")
                    || out.contains("NOTTRUSTED") || out.contains("NOTFOUND");
            if (!k.ok() || bad) {
                return new Outcome(false, rpm.getFileName() + ": digests/signature NOT OK with the trusted key"
                        + firstProblem(out), out);
            }
            return new Outcome(true, rpm.getFileName() + ": digests and signature OK", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary rpm database: " + IoErrors.why(e), e);
        } finally {
            io.avalanche.rpm.ExitCleanup.deleteTree(db);
        }
    }

    private static String firstProblem(String out) {
        return out.lines().map(String::strip)
                .filter(l -> l.contains("NOT OK") || l.contains("BAD") || l.contains("NOKEY") || l.contains("not signed")
                        || l.contains("NOTFOUND") || l.contains("error"))
                .findFirst().map(l -> ": " + l).orElse("");
    }
}
