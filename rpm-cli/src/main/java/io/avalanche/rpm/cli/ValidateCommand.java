package io.avalanche.rpm.cli;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.store.Destinations;
import io.avalanche.rpm.store.S3Settings;
import io.avalanche.rpm.validate.ContainerTarget;
import io.avalanche.rpm.validate.ReleaseSource;
import io.avalanche.rpm.validate.JavaSignatureVerifier;
import io.avalanche.rpm.validate.RpmkeysSignatureVerifier;
import io.avalanche.rpm.validate.SignatureVerifier;
import io.avalanche.rpm.validate.TrustAnchor;
import io.avalanche.rpm.validate.ReleaseRef;
import io.avalanche.rpm.validate.ValidationOptions;
import io.avalanche.rpm.validate.ValidationReport;
import io.avalanche.rpm.validate.Validator;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** `rpm-release validate`: signature, ELF gate, install and smoke test of a published release. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Validate a release: signatures, ELF files, install and smoke test.", "",
            "Checks digests and every signature against the expected key",
            "(--key; required for file: and s3:// unless --trust-published-key), no",
            "scriptlet or trigger in avalanchego and subnet-evm, ELF machine and GLIBC",
            "versions of every ELF file, install into a fresh container (or a scratch",
            "rpm root with --local: installed with --noscripts --notriggers, programs",
            "run as an unprivileged user in new namespaces on a read-only tree)",
            "and smoke-test avalanchego and the subnet-evm plugin:",
            "avalanchego --version must start with 'avalanchego/' and contain",
            "commit=<full commit>; the plugin must be installed exactly at",
            "/var/opt/avalanchego/plugins/<VM_ID> and its --version must carry the full",
            "commit as '@<commit>' or 'commit=<commit>'. VM_ID: --vm-id, else",
            "release.json of a release directory, else the subnet-evm VM ID of every",
            "upstream tag since v1.14.1-rc.0:",
            "  " + ValidationOptions.SUBNET_EVM_VM_ID,
            "An --arch other than this machine's runs under qemu-user emulation (binfmt_misc",
            "handler qemu-<arch>; refused, naming what is missing, without it).",
            "--with-service also expects avalanchego-service-<tag>-noarch.rpm and checks it:",
            "systemd-analyze verify, its user and directories, and, where the image boots",
            "systemd in a container, that the unit starts and stops the node. With --local",
            "it is never installed (its scriptlets run in a container only): a NOTE says so.",
            "", "Example:",
            "  rpm-release validate --from file:/srv/bucket --key RPM-GPG-KEY-avalanchego \\",
            "      --tag v1.14.1 --arch x86_64 \\",
            "      --commit $(git -C ~/avalanchego rev-parse v1.14.1^{commit}) \\",
            "      --image rockylinux:9 --junit build/validate.xml"},
        footer = {"", "Exit codes: 0 all checks passed, 1 could not run, 2 usage, 3 a check failed."})
final class ValidateCommand extends CliCommand {
    @Option(names = "--from", required = true, paramLabel = "DIR|file:DIR|s3://BUCKET[/prefix]",
            description = "Release directory, published bucket directory, or S3 bucket.")
    String from;

    @Option(names = "--tag", required = true, description = "Release tag, e.g. v1.14.1.")
    String tag;

    @Option(names = "--arch", required = true, description = "x86_64 or aarch64 (amd64/arm64 accepted).")
    String arch;

    @Option(names = "--commit", required = true, paramLabel = "SHA",
            description = "The built commit (full 40-hex hash) that --version of both programs must report.")
    String commit;

    @Option(names = "--key", paramLabel = "FILE",
            description = "The expected public key(s), armored (several blocks allowed): signatures and repomd.xml.asc"
                    + " are checked against it, and the published key file must hold only these keys. Required for"
                    + " file: and s3:// sources; optional for a release directory (its own key is used).")
    Path key;

    @Option(names = "--trust-published-key",
            description = "Check against the key published in the bucket itself (not recommended: whoever can write"
                    + " there can swap key, packages and metadata together); every report then carries a WARNING.")
    boolean trustPublishedKey;

    @Option(names = "--vm-id", paramLabel = "CB58",
            description = "The subnet-evm VM ID (DEFAULT_VM_ID of graft/subnet-evm/scripts/constants.sh) the plugin "
                    + "must be installed under.")
    String vmId;

    @ArgGroup(exclusive = true)
    Target target = new Target();

    static final class Target {
        @Option(names = "--image", paramLabel = "IMAGE",
                description = "Target image for the install test (default: ${DEFAULT-VALUE}); {arch} in the name "
                        + "becomes the docker arch (amd64, arm64).",
                defaultValue = ValidationOptions.DEFAULT_IMAGE)
        String image = ValidationOptions.DEFAULT_IMAGE;

        @Option(names = "--local", description = "Install into a scratch rpm root on this machine instead.")
        boolean local;
    }

    @Option(names = "--glibc", paramLabel = "VERSION", defaultValue = ValidationOptions.DEFAULT_GLIBC,
            description = "Newest GLIBC symbol version the target provides (default: ${DEFAULT-VALUE}).")
    String glibc;

    @Option(names = "--docker", paramLabel = "CMD", defaultValue = "docker",
            description = "Container CLI to use (default: ${DEFAULT-VALUE}; honours DOCKER_HOST).")
    String docker;

    @Option(names = "--docker-host", paramLabel = "URL",
            description = "DOCKER_HOST for the container CLI, e.g. unix:///run/podman/podman.sock.")
    String dockerHost;

    @Mixin
    S3Options s3 = new S3Options();

    @Option(names = "--check-signatures-with", paramLabel = "java|rpmkeys", defaultValue = "java",
            description = "Verify digests and signatures with our Java verifier or with rpmkeys "
                    + "(default: ${DEFAULT-VALUE}).")
    String signatureTool;

    @Option(names = "--junit", paramLabel = "FILE", description = "Write a JUnit XML report here.")
    Path junit;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Option(names = "--release", paramLabel = "N", description = "RPM Release of the tag (default 1; a respin's N).")
    String release;

    @Option(names = "--layout", paramLabel = "seed|el9", defaultValue = "seed",
            description = "Where in a published location: seed (linux/rpms/<arch>/, the default) or el9 "
                    + "(upstream's linux/rpms/rhel/el9/<arch>/, GPG-KEY-avalanchego).")
    String layout = "seed";

    @Option(names = "--with-service", description = "The release has the avalanchego-service package too.")
    boolean withService;

    ValidateCommand() {
    }

    /** With an explicit environment (AWS settings) instead of the process's. */
    ValidateCommand(Map<String, String> environment) {
        super(environment);
    }

    @Override
    public Integer call() {
        from = Destinations.checkSource(from).url();
        ValidationReport.checkJUnitFile(junit);
        S3Settings s3Settings = s3.settings(environment(), "validate");
        ReleaseRef ref = new ReleaseRef(tag, arch).withRelease(release == null ? "1" : release).withService(withService);
        io.avalanche.rpm.publish.Layout lay = io.avalanche.rpm.publish.Layout.named(layout);
        ValidationOptions.Install install = target.local ? new ValidationOptions.Local()
                : new ValidationOptions.Container(target.image,
                new ContainerTarget.Engine(List.of(docker),
                        dockerHost == null ? Map.of() : Map.of("DOCKER_HOST", dockerHost), Duration.ofMinutes(10)));
        SignatureVerifier check = switch (signatureTool) {
            case "java" -> new JavaSignatureVerifier();
            case "rpmkeys" -> new RpmkeysSignatureVerifier();
            default -> throw new SpecException("--check-signatures-with " + signatureTool + ": use java or rpmkeys");
        };
        ValidationOptions options = ValidationOptions.of(ref, commit).withTargetGlibc(glibc).withInstall(install)
                .withSignatureCheck(check).withAnchor(TrustAnchor.of(key, trustPublishedKey));
        if (vmId != null) {
            options = options.withVmId(vmId, "--vm-id");
        }
        ValidationReport report;
        try (ReleaseSource source = ReleaseSource.open(from, s3Settings, lay, log())) {
            options = options.withVmIdOf(source);
            report = new Validator(options).validate(source);
        } catch (RuntimeException e) {
            if (junit != null && !(e instanceof SpecException)) {
                // the run stopped before any check: the report says why, so CI shows an error, not nothing
                ValidationReport.error(ref.tag() + " " + ref.rpmArch(), from, e.getMessage()).writeJUnit(junit);
            }
            throw e;
        }
        if (junit != null) {
            report.writeJUnit(junit);
        }
        ValidationOptions checked = options;
        return print(json, report::toJson, () -> {
            List<String> lines = new ArrayList<>();
            lines.add("plugin expected at " + checked.pluginPath() + " (VM ID from " + checked.vmIdSource() + ")");
            lines.add("signatures checked against " + checked.anchor().describe());
            lines.addAll(report.summaryLines());
            return lines;
        }, report.passed() ? Main.OK : report.environmentError() ? Main.FAILURE : Main.CHECK_FAILED);
    }
}
