package io.avalanche.rpm.jenkins;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import hudson.slaves.WorkspaceList;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.avalanche.rpm.RpmException;
import jenkins.MasterToSlaveFileCallable;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Set;

/**
 * {@code rpmBuild(preset: 'avalanchego', tag: 'v1.14.1', arch: 'x86_64')} or {@code rpmBuild(pullRequest: true)}:
 * packages the binaries the upstream build left in the source tree ({@code build/avalanchego}, {@code
 * build/subnet-evm}) into signed-ready RPMs and release.json on the agent; returns release.json's fields (tag,
 * version, release, commit, arch, vmId, files with size and SHA-256, ...) plus compression and dir. A pull-request
 * build takes its tag from the commit (v0.0.0-pr.&lt;12 hex digits&gt;) and rpm-core's fast compression. It runs no
 * build: the long Go compile is a durable {@code sh} in the builder container (the shared library runs it), so a
 * controller restart or an abort never leaves a half-run compile behind. Every parameter is checked before any work.
 */
public final class RpmBuildStep extends Step {
    static final String DEFAULT_PRESET = "avalanchego";
    static final String DEFAULT_OUT = "rpm-release-out";

    private String tag;
    private boolean pullRequest;
    private String preset = DEFAULT_PRESET;
    private String arch;
    private String source;
    private String out = DEFAULT_OUT;
    private String compression;
    private boolean withService;
    private String release;

    @DataBoundConstructor
    public RpmBuildStep() {
    }

    public boolean isWithService() {
        return withService;
    }

    /** Also the noarch avalanchego-service package (systemd unit, user, config) in the release directory. */
    @DataBoundSetter
    public void setWithService(boolean withService) {
        this.withService = withService;
    }

    public String getTag() {
        return tag;
    }

    /** The release tag, vMAJOR.MINOR.PATCH[-PRERELEASE]; not with pullRequest. */
    @DataBoundSetter
    public void setTag(String tag) {
        this.tag = Util.fixEmptyAndTrim(tag);
    }

    public boolean isPullRequest() {
        return pullRequest;
    }

    /** A pull-request smoke build: the tag is v0.0.0-pr.&lt;12 hex digits of the checked-out commit&gt;. */
    @DataBoundSetter
    public void setPullRequest(boolean pullRequest) {
        this.pullRequest = pullRequest;
    }

    public String getPreset() {
        return preset;
    }

    @DataBoundSetter
    public void setPreset(String preset) {
        this.preset = Util.fixEmptyAndTrim(preset) == null ? DEFAULT_PRESET : preset.trim();
    }

    public String getArch() {
        return arch;
    }

    /** x86_64 or aarch64; empty means the agent's own architecture. */
    @DataBoundSetter
    public void setArch(String arch) {
        this.arch = Util.fixEmptyAndTrim(arch);
    }

    public String getSource() {
        return source;
    }

    /** Source tree relative to the workspace; empty means the workspace itself. */
    @DataBoundSetter
    public void setSource(String source) {
        this.source = Util.fixEmptyAndTrim(source);
    }

    public String getOut() {
        return out;
    }

    @DataBoundSetter
    public void setOut(String out) {
        this.out = Util.fixEmptyAndTrim(out) == null ? DEFAULT_OUT : out.trim();
    }

    public String getCompression() {
        return compression;
    }

    /** zstd[:LEVEL], xz[:LEVEL], gzip[:LEVEL] or none; empty means rpm-core's default for the build. */
    @DataBoundSetter
    public void setCompression(String compression) {
        this.compression = Util.fixEmptyAndTrim(compression);
    }

    public String getRelease() {
        return release;
    }

    /** The RPM Release: a respin of the same tag as N (1.14.1-2, file name avalanchego-v1.14.1_2-ARCH.rpm); default 1. */
    @DataBoundSetter
    public void setRelease(String release) {
        this.release = Util.fixEmptyAndTrim(release);
    }

    @Override
    public StepExecution start(StepContext context) throws Exception {
        check();
        return new Execution(this, context);
    }

    /** Every parameter, before any work: preset, tag, arch (when given) and compression. */
    void check() throws AbortException {
        if (!DEFAULT_PRESET.equals(preset)) {
            throw new AbortException(Messages.RpmBuildStep_UnknownPreset(preset, DEFAULT_PRESET));
        }
        if (pullRequest && tag != null) {
            throw new AbortException(Messages.RpmBuildStep_TagAndPullRequest(tag));
        }
        if (!pullRequest && tag == null) {
            throw new AbortException(Messages.RpmBuildStep_NoTag());
        }
        if (pullRequest && release != null) {
            throw new AbortException(Messages.RpmBuildStep_ReleaseAndPullRequest(release));
        }
        try {
            if (tag != null) {
                RpmCore.checkRelease(tag, release);
            }
            if (arch != null) {
                RpmCore.rpmArch(arch);
            }
            RpmCore.checkCompression(compression);
        } catch (RpmException e) {
            throw new AbortException("rpmBuild: " + e.getMessage());
        }
    }

    /** Describes {@code rpmBuild} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol("rpmBuild")
    public static final class DescriptorImpl extends StepDescriptor {
        @Override
        public String getFunctionName() {
            return "rpmBuild";
        }

        @NonNull
        @Override
        public String getDisplayName() {
            return Messages.RpmBuildStep_DisplayName();
        }

        @Override
        public Set<? extends Class<?>> getRequiredContext() {
            return Set.of(FilePath.class, TaskListener.class);
        }

        public FormValidation doCheckTag(@QueryParameter String value) {
            return Forms.checkTag(value);
        }

        public FormValidation doCheckPreset(@QueryParameter String value) {
            String p = Util.fixEmptyAndTrim(value);
            return p == null || DEFAULT_PRESET.equals(p) ? FormValidation.ok()
                    : FormValidation.error(Messages.RpmBuildStep_UnknownPreset(p, DEFAULT_PRESET));
        }

        public FormValidation doCheckCompression(@QueryParameter String value) {
            try {
                RpmCore.checkCompression(Util.fixEmptyAndTrim(value));
                return FormValidation.ok();
            } catch (RpmException e) {
                return FormValidation.error(e.getMessage());
            }
        }

        public ListBoxModel doFillArchItems() {
            return Forms.archItems();
        }
    }

    /** Packages on the agent; nothing long-running, so a synchronous step is enough. */
    static final class Execution extends StepRun<RpmBuildStep> {
        private static final long serialVersionUID = 1L;

        Execution(RpmBuildStep step, StepContext context) {
            super(step, context);
        }

        @Override
        protected Map<String, Object> run(FilePath workspace, TaskListener listener) throws Exception {
            FilePath tmp = WorkspaceList.tempDir(workspace);
            if (tmp == null) {
                throw new AbortException(Messages.RpmBuildStep_NoTempDir(workspace.getRemote()));
            }
            FilePath source = step.source == null ? workspace : workspace.child(step.source);
            FilePath out = workspace.child(step.out);
            String arch = step.arch != null ? step.arch : source.act(new HostArch("rpmBuild"));
            Map<String, Object> built = source.act(new Package(step.tag, step.release, step.pullRequest, arch,
                    out.getRemote(), step.compression, tmp.getRemote(), listener, step.withService));
            listener.getLogger().println(Messages.RpmBuildStep_Built(built.get("tag"), built.get("arch"),
                    built.get("commit"), out.getRemote(), built.get("compression")));
            return built;
        }
    }

    /** Agent side: the RPM arch of the agent's machine; {@code step} names the step in the error. */
    static final class HostArch extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;
        private final String step;

        HostArch(String step) {
            this.step = step;
        }

        @Override
        public String invoke(File f, VirtualChannel channel) throws IOException {
            try {
                return RpmCore.hostArch();
            } catch (RpmException e) {
                throw new AbortException(step + ": " + e.getMessage() + " (pass arch: 'x86_64' or 'aarch64')");
            }
        }
    }

    /**
     * Agent side: checks the source tree and the build outputs, loads zstd from the workspace's @tmp directory (or
     * falls back to xz when the compression was not chosen), packages the RPMs and writes release.json.
     */
    static final class Package extends MasterToSlaveFileCallable<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final String tag;
        private final String release;
        private final boolean pullRequest;
        private final String arch;
        private final String out;
        private final String compression;
        private final String tmp;
        private final TaskListener listener;
        private final boolean withService;

        Package(String tag, String release, boolean pullRequest, String arch, String out, String compression,
                String tmp, TaskListener listener, boolean withService) {
            this.withService = withService;
            this.tag = tag;
            this.release = release;
            this.pullRequest = pullRequest;
            this.arch = arch;
            this.out = out;
            this.compression = compression;
            this.tmp = tmp;
            this.listener = listener;
        }

        @Override
        public Map<String, Object> invoke(File source, VirtualChannel channel) throws IOException {
            try {
                RpmCore.checkSource(source.toPath());
                String packaged = RpmCore.tagToPackage(source.toPath(), tag, pullRequest);
                RpmCore.checkTag(source.toPath(), packaged, arch).forEach(listener.getLogger()::println);
                for (String output : RpmCore.BUILD_OUTPUTS) {
                    if (!Files.isRegularFile(source.toPath().resolve(output))) {
                        throw new AbortException(Messages.RpmBuildStep_NotBuilt(source.toPath().resolve(output), output));
                    }
                }
                String chosen = compression;
                if (RpmCore.isZstd(compression, pullRequest)) {
                    String problem = ZstdNative.load(new File(tmp));
                    if (problem != null && compression != null) {
                        throw new AbortException(Messages.RpmBuildStep_ZstdUnavailable(compression, problem));
                    }
                    if (problem != null) {
                        listener.getLogger().println(Messages.RpmBuildStep_ZstdFallback(problem, RpmCore.ZSTD_FALLBACK));
                        chosen = RpmCore.ZSTD_FALLBACK;
                    }
                }
                return RpmCore.packageRelease(source.toPath(), packaged, release, arch, new File(out).toPath(), chosen,
                        withService, listener.getLogger()::println);
            } catch (RpmException e) {
                throw new AbortException("rpmBuild: " + e.getMessage());
            }
        }
    }
}
