package io.avalanche.rpm.cli;

import io.avalanche.rpm.PathNames;
import io.avalanche.rpm.format.CheckResult;
import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.sign.PackageSigning;
import io.avalanche.rpm.verify.VerifyReport;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** rpm-release verify: checks digests and signatures of RPMs in Java against a public key (exit 3 on failure). */
final class VerifyCommand extends CliCommand {
    private static final String KEY = "--key";
    private static final String JSON = "--json";

    /** verify's model (CommandModel: declared without annotations, for its start-up). */
    @Override
    CommandSpec model() {
        CommandSpec s = CommandModel.command(this, "verify",
                new String[] {"Verify RPM packages' digests and signature against a public key.", "",
                    "Header and payload digests and the RSA header signature are checked against",
                    "an armored public key, with RHEL 9's rules (no SHA-1, v4 RSA keys only)."},
                new String[] {"", "Example:", "  rpm-release verify --key out/RPM-GPG-KEY-avalanchego out/*.rpm",
                    "", "Exit codes: 0 all packages OK, 3 any check failed, 1 error, 2 usage."});
        CommandModel.add(s, CommandModel.option(Path.class, "FILE", "Armored public key file.", KEY).required(true));
        s.addOption(CommandModel.flag("Print the reports as JSON.", JSON).build());
        s.addPositional(CommandModel.packages("Packages to verify."));
        spec = s;
        return s;
    }

    @Override
    public Integer call() {
        Path key = spec.findOption(KEY).getValue();
        boolean json = CommandModel.isSet(spec.findOption(JSON));
        List<Path> rpms = spec.positionalParameters().get(0).getValue();
        PathNames.requireFile("--key " + key, key);
        PackageSigning.requireFiles(rpms);   // every package, before the key is loaded
        io.avalanche.rpm.Profile.mark("command line parsed");
        // the key loads while the first package is read
        List<VerifyReport> reports = PackageVerifier.loading(key).verifyAll(rpms);
        boolean ok = reports.stream().allMatch(VerifyReport::ok);
        return print(json, () -> Output.toJson(toMap(ok, reports)), () -> lines(reports),
                ok ? Main.OK : Main.CHECK_FAILED);
    }

    private static List<String> lines(List<VerifyReport> reports) {
        List<String> lines = new ArrayList<>();
        for (VerifyReport r : reports) {
            lines.add(r.file() + ": " + (r.ok() ? "OK" : "FAILED"));
            for (CheckResult c : r.checks()) {
                lines.add("    " + c.describe());
            }
        }
        return lines;
    }

    /** {"ok", "packages": [{file, ok, checks: [{check, status, detail, keyId, algorithm, hash, created}]}]}. */
    private static Map<String, Object> toMap(boolean ok, List<VerifyReport> reports) {
        List<Object> packages = new ArrayList<>();
        for (VerifyReport r : reports) {
            List<Object> checks = new ArrayList<>();
            for (CheckResult c : r.checks()) {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("check", c.check());
                n.put("status", c.status().name());
                n.put("detail", c.detail());
                n.put("keyId", c.keyId());
                n.put("algorithm", c.algorithm());
                n.put("hash", c.hash());
                n.put("created", c.created() == null ? null : c.created().toString());
                checks.add(n);
            }
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("file", r.file());
            p.put("ok", r.ok());
            p.put("checks", checks);
            packages.add(p);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("ok", ok);
        root.put("packages", packages);
        return root;
    }
}
