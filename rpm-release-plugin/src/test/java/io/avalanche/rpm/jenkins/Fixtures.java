package io.avalanche.rpm.jenkins;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.CredentialsStore;
import com.cloudbees.plugins.credentials.SecretBytes;
import com.cloudbees.plugins.credentials.domains.Domain;
import com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl;
import hudson.FilePath;
import hudson.model.Label;
import hudson.slaves.DumbSlave;
import hudson.slaves.RetentionStrategy;
import hudson.util.Secret;
import io.avalanche.rpm.Digests;
import io.avalanche.rpm.write.Compression;
import io.avalanche.rpm.write.PackageSpec;
import io.avalanche.rpm.write.RpmWriter;
import io.avalanche.rpm.format.Arch;
import io.avalanche.rpm.format.ReleaseTag;
import io.avalanche.rpm.manifest.ReleaseManifest;
import io.avalanche.rpm.publish.Publisher;
import io.avalanche.rpm.release.AvalanchegoPreset;
import io.avalanche.rpm.release.RepoSigner;
import io.avalanche.rpm.sign.SigningKey;
import io.avalanche.rpm.store.FileStore;
import io.avalanche.rpm.testing.Cmd;
import io.avalanche.rpm.testing.TestPackages;
import io.avalanche.rpm.validate.TestBinaries;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.SimpleCommandLauncher;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Shared set-up for the step tests: labelled agents, credentials in the store, fake source trees, RPMs. */
final class Fixtures {
    static final String LABEL = "linux-x86_64";
    static final String VM_ID = "srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy";

    private Fixtures() {
    }

    /**
     * The library's build (vars/rpmRelease.groovy BUILD_SCRIPT, upstream's commands): avalanchego from the root, then
     * subnet-evm from graft/subnet-evm with the absolute output path.
     */
    static final String BUILD_SCRIPT = "set -eu\nout=\"$(pwd)/build\"\n./scripts/build.sh\ncd graft/subnet-evm\n"
            + "./scripts/build.sh \"$out/subnet-evm\"\n";

    /** An online agent with the label the shared library uses for x86_64. */
    static DumbSlave agent(JenkinsRule j) throws Exception {
        return j.createOnlineSlave(Label.get(LABEL));
    }

    /**
     * An online agent whose JVM gets extra system properties (e.g. -DZstdNativePath=..., -Dos.arch=...), launched
     * as JenkinsRule launches its local agents: a separate JVM running agent.jar over stdin/stdout.
     */
    static DumbSlave agentWith(JenkinsRule j, String name, String... jvmOptions) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String agentJar = Path.of(j.jenkins.getJnlpJars("slave.jar").getURL().toURI()).toString();
        String command = "\"" + java + "\" -Djava.awt.headless=true -Xmx512m " + String.join(" ", jvmOptions)
                + " -jar \"" + agentJar + "\"";
        DumbSlave agent = new DumbSlave(name, new File(j.jenkins.getRootDir(), "agent-work-dirs/" + name).getAbsolutePath(),
                new SimpleCommandLauncher(command));
        agent.setLabelString(LABEL);
        agent.setRetentionStrategy(RetentionStrategy.NOOP);
        j.jenkins.addNode(agent);
        j.waitOnline(agent);
        return agent;
    }

    /** A pipeline job with a sandboxed script from pipelines/ (the only place a test makes a CpsFlowDefinition). */
    static WorkflowJob job(JenkinsRule j, String name, Pipeline script) throws Exception {
        WorkflowJob p = j.createProject(WorkflowJob.class, name);
        p.setDefinition(new CpsFlowDefinition(script.text(), true));
        return p;
    }

    /** Adds credentials through the first store of Jenkins (the system store), as a user would. */
    static void addCredentials(JenkinsRule j, Credentials... credentials) throws IOException {
        CredentialsStore store = CredentialsProvider.lookupStores(j.jenkins).iterator().next();
        for (Credentials c : credentials) {
            store.addCredentials(Domain.global(), c);
        }
    }

    static FileCredentialsImpl keyFile(String id, String armored) {
        return new FileCredentialsImpl(CredentialsScope.GLOBAL, id, "rpm signing key", "rpm-signing-key.asc",
                SecretBytes.fromRawBytes(armored.getBytes(StandardCharsets.US_ASCII)));
    }

    static StringCredentialsImpl secretText(String id, String text) {
        return new StringCredentialsImpl(CredentialsScope.GLOBAL, id, "rpm signing key passphrase",
                Secret.fromString(text));
    }

    static UsernamePasswordCredentialsImpl awsKeys(String id, String accessKeyId, String secret) throws Exception {
        return new UsernamePasswordCredentialsImpl(CredentialsScope.GLOBAL, id, "S3 publisher", accessKeyId, secret);
    }

    /** The workspace the job gets on the agent, created. */
    static FilePath workspace(DumbSlave agent, WorkflowJob p) throws Exception {
        FilePath ws = agent.getWorkspaceFor(p);
        ws.mkdirs();
        return ws;
    }

    /**
     * The two packages of a release of {@code tag} for x86_64, written by rpm-core's writer from the avalanchego preset
     * (the plugin under {@link #VM_ID}), unsigned, into ws/dir; returns their paths on this machine.
     */
    static List<Path> presetRelease(FilePath ws, String dir, Path scratch, String tag) throws Exception {
        ReleaseTag t = ReleaseTag.parse(tag);
        Compression gzip = Compression.parse("gzip");
        Path bin = TestPackages.content(scratch.resolve("bin"), "binary", 20_000, 5);
        Path out = Files.createDirectories(Path.of(ws.child(dir).getRemote()));
        return List.of(
                RpmWriter.write(AvalanchegoPreset.avalanchego(t, Arch.X86_64, bin, TestPackages.BUILD_TIME, gzip), out,
                        t.fileName(AvalanchegoPreset.AVALANCHEGO, Arch.X86_64)),
                RpmWriter.write(AvalanchegoPreset.subnetEvm(t, Arch.X86_64, bin, VM_ID, TestPackages.BUILD_TIME, gzip),
                        out, t.fileName(AvalanchegoPreset.SUBNET_EVM, Arch.X86_64)));
    }

    /** Copies RPMs made by rpm-core's writer into ws/dir (unsigned, with reserved signature space). */
    static void unsignedRelease(FilePath ws, String dir, Path scratch) throws Exception {
        unsignedRelease(ws, dir, scratch, 20_000);
    }

    /** As above with a payload of {@code size} bytes: another size, other bytes under the same package name. */
    static void unsignedRelease(FilePath ws, String dir, Path scratch, int size) throws Exception {
        Path rpm = TestPackages.avalanchego(Files.createDirectories(scratch.resolve("rpms")),
                Compression.parse("gzip"), size);
        FilePath target = ws.child(dir);
        target.mkdirs();
        target.child(rpm.getFileName().toString()).copyFrom(new FilePath(rpm.toFile()));
    }

    /**
     * A minimal avalanchego-shaped source tree in the agent workspace, committed with git: scripts/build.sh compiles
     * (gcc) a binary printing avalanchego's version line with the HEAD commit into build/avalanchego and records
     * SOURCE_DATE_EPOCH; graft/subnet-evm/scripts/build.sh, run from graft/subnet-evm as upstream's is, copies it to
     * the absolute plugin path it is given. The first script exits with {@code exitCode}. Returns the commit.
     */
    static String sourceTree(FilePath ws, Path scratch, int exitCode) throws Exception {
        // the test agent runs on this machine: its workspace is a local directory
        Path src = Files.createDirectories(Path.of(ws.getRemote()));
        write(src.resolve("go.mod"), "module github.com/ava-labs/avalanchego\n\ngo 1.23\n\ntoolchain go1.23.4\n");
        write(src.resolve("scripts/build.sh"), "#!/bin/sh\nset -eu\nmkdir -p build\n"
                + "printf '%s' \"${SOURCE_DATE_EPOCH:-unset}\" > build/source-date-epoch\n"
                + "commit=$(git rev-parse HEAD)\n"
                + "printf '#include <stdio.h>\\nint main(void){puts(\"avalanchego/1.14.1 [database=v1.4.5, rpcchainvm=44, "
                + "commit=%s, go=1.23.4]\");return 0;}\\n' \"$commit\" > build/version.c\n"
                + "gcc -O2 -o build/avalanchego build/version.c\n"
                + "exit " + exitCode + "\n");
        write(src.resolve("graft/subnet-evm/scripts/build.sh"), "#!/bin/sh\nset -eu\n"
                + "case \"$1\" in /*) ;; *) echo \"output path must be absolute: $1\" >&2; exit 2;; esac\n"
                + "test -f scripts/constants.sh\ncp ../../build/avalanchego \"$1\"\n");
        write(src.resolve("graft/subnet-evm/scripts/constants.sh"), "DEFAULT_VM_ID=\"" + VM_ID + "\"\n");
        write(src.resolve(".gitignore"), "build/\nrpm-release-out/\n");
        for (String s : List.of("scripts/build.sh", "graft/subnet-evm/scripts/build.sh")) {
            src.resolve(s).toFile().setExecutable(true);
        }
        Map<String, String> env = Map.of("GIT_AUTHOR_DATE", "@1700000000 +0000", "GIT_COMMITTER_DATE", "@1700000000 +0000");
        Cmd.run(List.of("git", "init", "-q", src.toString()), null, env).ok();
        Cmd.run(List.of("git", "-C", src.toString(), "add", "-A"), null, env).ok();
        Cmd.run(List.of("git", "-C", src.toString(), "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
                "commit", "-q", "-m", "fixture"), null, env).ok();
        for (String tag : List.of("v1.14.1", "v1.14.1-rc.2")) {   // rpmBuild packages only a tag at the checked-out commit
            Cmd.run(List.of("git", "-C", src.toString(), "tag", tag), null, env).ok();
        }
        return Cmd.run(List.of("git", "-C", src.toString(), "rev-parse", "HEAD"), null, Map.of()).ok().output().trim();
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** The commit the stand-in binaries of {@link #publish} report (avalanchego --version, subnet-evm --version). */
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    /**
     * Publishes into {@code file:store} the x86_64 release of {@code tag} as RPM Release {@code release}, as a release
     * leaves it: avalanchego and subnet-evm written by rpm-core's writer from the avalanchego preset around stand-in
     * binaries compiled with gcc (they report {@link #COMMIT}), signed by {@code key}, the key file and release.json,
     * published by rpm-core's Publisher with repodata/repomd.xml signed by {@code key}.
     */
    static void publish(Path store, Path scratch, String tag, String release, SigningKey key) throws IOException {
        ReleaseTag t = ReleaseTag.parse(tag).withRelease(release);
        Path bins = Files.createDirectories(scratch.resolve("bin"));
        Path node = TestBinaries.compile(bins, "avalanchego", COMMIT, TestBinaries.Kind.X86_64);
        Path plugin = TestBinaries.compile(bins, "subnet-evm", COMMIT, TestBinaries.Kind.X86_64);
        Path dir = Files.createDirectories(scratch.resolve("release-" + tag + "-" + release));
        Compression gzip = Compression.parse("gzip");
        List<ReleaseManifest.Artifact> files = new ArrayList<>();
        for (PackageSpec spec : List.of(AvalanchegoPreset.avalanchego(t, Arch.X86_64, node, TestPackages.BUILD_TIME, gzip),
                AvalanchegoPreset.subnetEvm(t, Arch.X86_64, plugin, VM_ID, TestPackages.BUILD_TIME, gzip))) {
            String name = t.fileName(spec.name(), Arch.X86_64);
            Path rpm = RpmWriter.write(spec, dir, name, n -> { },
                    RpmWriter.SignatureFiller.signingWith(key.headerSigner()));
            files.add(new ReleaseManifest.Artifact(name, spec.name(), Files.size(rpm), Digests.hex(Digests.sha256(rpm))));
        }
        ByteArrayOutputStream publicKey = new ByteArrayOutputStream();
        key.exportPublicKey(publicKey);
        Path k = Files.write(dir.resolve(ReleaseManifest.KEY_FILE), publicKey.toByteArray());
        files.add(new ReleaseManifest.Artifact(ReleaseManifest.KEY_FILE, null, Files.size(k),
                Digests.hex(Digests.sha256(k))));
        new ReleaseManifest(t.tag(), t.version(), t.release(), COMMIT, TestPackages.BUILD_TIME, Arch.X86_64.rpm(), VM_ID,
                files).write(dir);
        try (FileStore s = new FileStore(store)) {
            new Publisher(s, o -> { }, l -> { }).publish(dir, Publisher.Options.defaults(
                    RepoSigner.of(key.headerSigner())));
        }
    }

    private static final Pattern PRIMARY = Pattern.compile("href=\"(repodata/[^\"]*-primary\\.xml\\.gz)\"");
    private static final Pattern VERSION = Pattern.compile("<version epoch=\"\\d+\" ver=\"([^\"]+)\" rel=\"([^\"]+)\"");

    /**
     * The version-release of every package a yum repository's primary.xml lists, read as dnf reads it (repomd.xml,
     * then the gzip primary it names), without rpm-core.
     */
    static TreeSet<String> listed(Path repository) throws IOException {
        String repomd = Files.readString(repository.resolve("repodata/repomd.xml"));
        Matcher m = PRIMARY.matcher(repomd);
        if (!m.find()) {
            throw new AssertionError("no primary in " + repository.resolve("repodata/repomd.xml") + ":\n" + repomd);
        }
        byte[] gz = Files.readAllBytes(repository.resolve(m.group(1)));
        String primary;
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            primary = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        TreeSet<String> r = new TreeSet<>();
        Matcher v = VERSION.matcher(primary);
        while (v.find()) {
            r.add(v.group(1) + "-" + v.group(2));
        }
        return r;
    }
}
