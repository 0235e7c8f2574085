package io.avalanche.rpm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.format.CheckResult;
import io.avalanche.rpm.verify.PackageVerifier;
import io.avalanche.rpm.pgp.TrustedKeys;
import io.avalanche.rpm.verify.VerifyReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** rpm-release verify: checks digests and signatures of RPMs in Java against a public key (exit 3 on failure). */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = {"Verify header and payload digests and the RSA header signature of RPM packages",
                "against an armored public key, with RHEL 9's rules (no SHA-1, v4 RSA keys only)."},
        footer = {"", "Example:", "  rpm-release verify --key out/RPM-GPG-KEY-avalanchego out/*.rpm",
                "", "Exit codes: 0 all packages OK, 3 any check failed, 1 error, 2 usage."})
final class VerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--key", required = true, paramLabel = "FILE", description = "Armored public key file.")
    Path key;

    @Option(names = "--json", description = "Print the reports as JSON.")
    boolean json;

    @Parameters(arity = "1..*", paramLabel = "RPM", description = "Packages to verify.")
    List<Path> rpms;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(key)) {
            throw new SpecException("--key " + key + ": no such file");
        }
        io.avalanche.rpm.Profile.mark("command line parsed");
        PackageVerifier verifier = new PackageVerifier(TrustedKeys.load(key));
        io.avalanche.rpm.Profile.mark("key loaded");
        List<VerifyReport> reports = new ArrayList<>();
        for (Path p : rpms) {
            if (!Files.isRegularFile(p)) {
                throw new SpecException(p + ": no such package file");
            }
            reports.add(verifier.verify(p));
            io.avalanche.rpm.Profile.mark("verified " + p.getFileName());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(reports));
        } else {
            for (VerifyReport r : reports) {
                Output.line(out, r.file() + ": " + (r.ok() ? "OK" : "FAILED"));
                for (CheckResult c : r.checks()) {
                    Output.line(out, "    " + c.describe());
                }
            }
        }
        out.flush();
        return reports.stream().allMatch(VerifyReport::ok) ? Main.OK : Main.CHECK_FAILED;
    }

    private static String toJson(List<VerifyReport> reports) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("ok", reports.stream().allMatch(VerifyReport::ok));
        ArrayNode pkgs = root.putArray("packages");
        for (VerifyReport r : reports) {
            ObjectNode p = pkgs.addObject();
            p.put("file", r.file());
            p.put("ok", r.ok());
            ArrayNode checks = p.putArray("checks");
            for (CheckResult c : r.checks()) {
                ObjectNode n = checks.addObject();
                n.put("check", c.check());
                n.put("status", c.status().name());
                n.put("detail", c.detail());
                n.put("keyId", c.keyId());
                n.put("algorithm", c.algorithm());
                n.put("hash", c.hash());
                n.put("created", c.created() == null ? null : c.created().toString());
            }
        }
        try {
            return m.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new io.avalanche.rpm.RpmException("cannot render the report as JSON: " + e.getMessage(), e);
        }
    }
}
