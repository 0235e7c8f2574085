package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code rpmValidate(from: 's3://bucket' | 'rpm-release-out/x86_64', key: keyFile(credentialsId: 'rpm-gpg-key'),
 * image: 'rockylinux:9', commit: sha, tag:, arch:, junit: 'validate.xml')}: verifies digests and signatures against
 * the expected key (pinned: the key the controller holds, or a public key file; rpm-core requires one for a published
 * location unless {@code trustPublishedKey: true}), ELF binaries, installs the packages in a fresh container of
 * {@code image} with the agent's docker CLI, smoke-tests them, writes JUnit XML and fails listing failed checks.
 */
public final class RpmValidateStep extends TagArchStep {
    static final String DEFAULT_IMAGE = "rockylinux:9";
    static final String FUNCTION = "rpmValidate";

    private final String from;
    private String layout;
    private String image = DEFAULT_IMAGE;
    private String commit;
    private String junit;
    private boolean withService;
    private String release;
    private String publicKey;
    private boolean trustPublishedKey;

    @DataBoundConstructor
    public RpmValidateStep(String from) {
        this.from = Util.fixEmptyAndTrim(from);
    }

    public String getFrom() {
        return from;
    }

    public String getLayout() {
        return layout;
    }

    /** The layout of a published tree read from (seed, the default, or el9); rpm-core's names. */
    @DataBoundSetter
    public void setLayout(String layout) {
        this.layout = Util.fixEmptyAndTrim(layout);
    }

    public String getImage() {
        return image;
    }

    @DataBoundSetter
    public void setImage(String image) {
        this.image = Util.fixEmptyAndTrim(image) == null ? DEFAULT_IMAGE : image.trim();
    }

    public String getCommit() {
        return commit;
    }

    /** The git commit the binaries were built from; avalanchego --version must report it. */
    @DataBoundSetter
    public void setCommit(String commit) {
        this.commit = Util.fixEmptyAndTrim(commit);
    }

    public String getJunit() {
        return junit;
    }

    /** Workspace-relative path of the JUnit XML report; empty writes none. */
    @DataBoundSetter
    public void setJunit(String junit) {
        this.junit = Util.fixEmptyAndTrim(junit);
    }

    public boolean isWithService() {
        return withService;
    }

    /** The release has the avalanchego-service package: expect it and run its service checks too. */
    @DataBoundSetter
    public void setWithService(boolean withService) {
        this.withService = withService;
    }

    public String getRelease() {
        return release;
    }

    /** The RPM Release to validate: a respin's N (default 1). */
    @DataBoundSetter
    public void setRelease(String release) {
        this.release = Util.fixEmptyAndTrim(release);
    }

    public String getPublicKey() {
        return publicKey;
    }

    /** The expected key as an armored public key file in the workspace (several keys allowed, e.g. a rotation). */
    @DataBoundSetter
    public void setPublicKey(String publicKey) {
        this.publicKey = Util.fixEmptyAndTrim(publicKey);
    }

    public boolean isTrustPublishedKey() {
        return trustPublishedKey;
    }

    /** Judge signatures against the key published where the release is read (not recommended; warned in the log). */
    @DataBoundSetter
    public void setTrustPublishedKey(boolean trustPublishedKey) {
        this.trustPublishedKey = trustPublishedKey;
    }

    /** Refusals before any work: the parameters, one trust anchor at most, the release and layout as rpm-core reads them. */
    @Override
    void check() throws AbortException {
        String tag = getTag();
        if (from == null) {
            throw new AbortException(Messages.RpmValidateStep_FromRequired());
        }
        if (commit == null || tag == null) {
            throw new AbortException(Messages.RpmValidateStep_CommitAndTagRequired());
        }
        if ((getKey() != null ? 1 : 0) + (publicKey != null ? 1 : 0) + (trustPublishedKey ? 1 : 0) > 1) {
            throw new AbortException(Messages.RpmValidateStep_OneAnchor());
        }
        checkCore(() -> RpmCore.checkRelease(tag, release));
        checkCore(() -> RpmCorePublish.checkLayout(layout));
        checkCore(() -> RpmCoreValidate.checkImage(image));   // before any agent work: never an option of docker's
    }

    /** Describes {@code rpmValidate} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol(FUNCTION)
    public static final class DescriptorImpl extends RpmDescriptor {
        public DescriptorImpl() {
            super(FUNCTION, Messages::RpmValidateStep_DisplayName, true, FilePath.class, TaskListener.class,
                    EnvVars.class, Run.class);
        }

        public FormValidation doCheckFrom(@QueryParameter String value) {
            return Forms.required(value, Messages.RpmValidateStep_FromRequired());
        }

        /** Empty is the default image; anything else must be a reference docker takes. */
        public FormValidation doCheckImage(@QueryParameter String value) {
            return Util.fixEmptyAndTrim(value) == null ? FormValidation.ok()
                    : Forms.check(() -> RpmCoreValidate.checkImage(value.trim()));
        }
    }

    /**
     * Reads the expected key on the controller (the key never reaches the agent, only its public part), runs the
     * validation on the agent (where docker and the release are) and reports on the controller.
     */
    @Override
    Map<String, Object> run(StepRun ctx, FilePath workspace, TaskListener listener) throws Exception {
        FilePath tmp = ctx.tempDir(workspace);
        byte[] pinned = null;
        String pinnedSource = null;
        if (getKey() != null) {
            Run<?, ?> run = ctx.build();
            refuseInChangeRequest(run, listener);
            pinned = getKey().publicKey(run, FUNCTION);
            pinnedSource = getKey().pinLabel();
        } else if (publicKey != null) {
            FilePath file = workspace.child(publicKey);
            if (!file.exists()) {
                throw new AbortException(Messages.RpmValidateStep_NoPublicKey(file.getRemote()));
            }
            try (InputStream in = file.read()) {
                pinned = in.readAllBytes();
            }
            pinnedSource = "publicKey '" + publicKey + "'";
        }
        if (pinned != null) {
            byte[] key = pinned;
            String source = pinnedSource;
            listener.getLogger().println(Messages.RpmValidateStep_Pinned(
                    core(() -> RpmCoreKeys.checkPinned(key, source))));
        }
        String junit = this.junit == null ? null : workspace.child(this.junit).getRemote();
        RpmCoreValidate.Request request = new RpmCoreValidate.Request(source(workspace, from), image,
                commit, getTag(), release, ctx.arch(workspace, getArch()), layout,
                withService, pinned, pinnedSource, trustPublishedKey, ctx.aws(), ctx.docker());
        Map<String, Object> report = tmp.act(new Validate(request, junit, listener));
        for (Object warning : (List<?>) report.getOrDefault("warnings", List.of())) {
            listener.getLogger().println(FUNCTION + ": " + warning);   // rpm-core's warnings, last and loud
        }
        @SuppressWarnings("unchecked")
        List<String> failures = (List<String>) report.get("failures");
        if (!failures.isEmpty()) {
            throw new AbortException(Messages.RpmValidateStep_Failed(failures.size(), String.join("\n  ", failures)));
        }
        return report;
    }

    /**
     * Where to validate from, on the agent: s3://... as given; a directory or file:DIR relative to the workspace
     * (not to the agent process's working directory); absolute paths as given.
     */
    static String source(FilePath workspace, String from) {
        if (from.startsWith("s3://")) {
            return from;
        }
        boolean file = from.startsWith("file:");
        String path = file ? from.substring("file:".length()) : from;
        if (file && path.startsWith("//")) {
            return from; // file://host/path is a URI, absolute by definition
        }
        // FilePath.child keeps an absolute path absolute (on the agent's OS) and resolves a relative one
        String resolved = workspace.child(path).getRemote();
        return file ? "file:" + resolved : resolved;
    }

    /** Agent side: fetches, checks, installs and smoke-tests in a scratch directory it deletes afterwards. */
    static final class Validate extends StepRun.AgentCall<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final RpmCoreValidate.Request request;
        private final String junit;
        private final TaskListener listener;

        Validate(RpmCoreValidate.Request request, String junit, TaskListener listener) {
            super(FUNCTION);
            this.request = request;
            this.junit = junit;
            this.listener = listener;
        }

        @Override
        Map<String, Object> call(File tmp) throws IOException, InterruptedException {
            Path work = tmp.toPath().resolve("rpm-validate-" + UUID.randomUUID());
            Files.createDirectories(work);
            // zstd payloads are read here (ELF gate): load zstd-jni from the workspace's @tmp, not java.io.tmpdir
            String zstdProblem = ZstdNative.load(tmp);
            try {
                Map<String, Object> report = RpmCoreValidate.validate(request, work,
                        junit == null ? null : new File(junit).toPath(), Messages.RpmValidateStep_TrustHint(),
                        line -> listener.getLogger().println(FUNCTION + ": " + line));
                @SuppressWarnings("unchecked")
                List<String> summary = (List<String>) report.get("summary");
                summary.forEach(listener.getLogger()::println);
                return report;
            } catch (LinkageError e) {
                // only zstd-jni loads native code here: a zstd payload on an agent where it cannot load
                throw new AbortException(Messages.RpmValidateStep_ZstdUnavailable(
                        zstdProblem != null ? zstdProblem : e.getClass().getSimpleName() + ": " + e.getMessage()));
            } finally {
                new FilePath(work.toFile()).deleteRecursive();
            }
        }
    }
}
