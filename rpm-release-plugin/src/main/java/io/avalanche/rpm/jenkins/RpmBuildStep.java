package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.util.Map;

/**
 * {@code rpmBuild(preset: 'avalanchego', tag: 'v1.14.1', arch: 'x86_64')} or {@code rpmBuild(pullRequest: true)}:
 * packages the binaries the upstream build left in the source tree ({@code build/avalanchego}, {@code
 * build/subnet-evm}) into signed-ready RPMs and release.json on the agent; returns release.json's fields (tag,
 * version, release, commit, arch, vmId, files with size and SHA-256, ...) plus compression and dir. A pull-request
 * build takes its tag from the commit (v0.0.0-pr.&lt;12 hex digits&gt;) and rpm-core's fast compression. It runs no
 * build: the long Go compile is a durable {@code sh} in the builder container (the shared library runs it), so a
 * controller restart or an abort never leaves a half-run compile behind. Every parameter is checked before any work.
 */
public final class RpmBuildStep extends TagStep {
    static final String FUNCTION = "rpmBuild";
    static final String DEFAULT_PRESET = "avalanchego";
    static final String DEFAULT_OUT = "rpm-release-out";

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
        this.out = out(out);
    }

    /** A release directory relative to the workspace as given, trimmed; empty: {@value #DEFAULT_OUT}. */
    static String out(String dir) {
        return Util.fixEmptyAndTrim(dir) == null ? DEFAULT_OUT : dir.trim();
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

    /** Every parameter, before any work: preset, tag, arch (when given) and compression. */
    @Override
    void check() throws AbortException {
        String tag = getTag();
        if (!DEFAULT_PRESET.equals(preset)) {
            throw new AbortException(Messages.RpmBuildStep_UnknownPreset(preset, DEFAULT_PRESET));
        }
        if (isPullRequest() && tag != null) {
            throw new AbortException(Messages.RpmBuildStep_TagAndPullRequest(tag));
        }
        if (!isPullRequest() && tag == null) {
            throw new AbortException(Messages.RpmBuildStep_NoTag());
        }
        if (isPullRequest() && release != null) {
            throw new AbortException(Messages.RpmBuildStep_ReleaseAndPullRequest(release));
        }
        checkCore(() -> {
            if (tag != null) {
                RpmCore.checkRelease(tag, release);
            }
            if (arch != null) {
                RpmCore.rpmArch(arch);
            }
            RpmCore.checkCompression(compression);
        });
    }

    /** Describes {@code rpmBuild} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol(FUNCTION)
    public static final class DescriptorImpl extends RpmDescriptor {
        public DescriptorImpl() {
            super(FUNCTION, Messages::RpmBuildStep_DisplayName, true, FilePath.class, TaskListener.class);
        }

        public FormValidation doCheckPreset(@QueryParameter String value) {
            String p = Util.fixEmptyAndTrim(value);
            return p == null || DEFAULT_PRESET.equals(p) ? FormValidation.ok()
                    : FormValidation.error(Messages.RpmBuildStep_UnknownPreset(p, DEFAULT_PRESET));
        }

        public FormValidation doCheckCompression(@QueryParameter String value) {
            return Forms.check(() -> RpmCore.checkCompression(Util.fixEmptyAndTrim(value)));
        }
    }

    /** Packages on the agent; nothing long-running, so a synchronous step is enough. */
    @Override
    Map<String, Object> run(StepRun ctx, FilePath workspace, TaskListener listener) throws Exception {
        FilePath tmp = ctx.tempDir(workspace);
        FilePath source = this.source == null ? workspace : workspace.child(this.source);
        FilePath out = workspace.child(this.out);
        Request request = new Request(getTag(), release, isPullRequest(), ctx.arch(source, arch),
                out.getRemote(), compression, tmp.getRemote(), withService);
        Map<String, Object> built = source.act(new Package(request, listener));
        listener.getLogger().println(Messages.RpmBuildStep_Built(built.get("tag"), built.get("arch"),
                built.get("commit"), out.getRemote(), built.get("compression")));
        return built;
    }

    /** What the agent packages: the step's parameters, the arch resolved, the output and @tmp directories. */
    record Request(String tag, String release, boolean pullRequest, String arch, String out, String compression,
                   String tmp, boolean withService) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Agent side: checks the source tree and the build outputs, loads zstd from the workspace's @tmp directory (or
     * falls back to xz when the compression was not chosen), packages the RPMs and writes release.json.
     */
    static final class Package extends StepRun.AgentCall<Map<String, Object>> {
        private static final long serialVersionUID = 1L;
        private final Request r;
        private final TaskListener listener;

        Package(Request r, TaskListener listener) {
            super(FUNCTION);
            this.r = r;
            this.listener = listener;
        }

        @Override
        Map<String, Object> call(File source) throws IOException {
            RpmCore.checkSource(source.toPath());
            String packaged = RpmCore.tagToPackage(source.toPath(), r.tag, r.pullRequest);
            RpmCore.checkTag(source.toPath(), packaged, r.arch).forEach(listener.getLogger()::println);
            for (String output : RpmCore.BUILD_OUTPUTS) {
                if (!Files.isRegularFile(source.toPath().resolve(output))) {
                    throw new AbortException(Messages.RpmBuildStep_NotBuilt(source.toPath().resolve(output), output));
                }
            }
            String chosen = r.compression;
            if (RpmCore.isZstd(r.compression, r.pullRequest)) {
                String problem = ZstdNative.load(new File(r.tmp));
                if (problem != null && r.compression != null) {
                    throw new AbortException(Messages.RpmBuildStep_ZstdUnavailable(r.compression, problem));
                }
                if (problem != null) {
                    listener.getLogger().println(Messages.RpmBuildStep_ZstdFallback(problem, RpmCore.ZSTD_FALLBACK));
                    chosen = RpmCore.ZSTD_FALLBACK;
                }
            }
            return RpmCore.packageRelease(source.toPath(), packaged, r.release, r.arch, new File(r.out).toPath(),
                    chosen, r.withService, listener.getLogger()::println);
        }
    }
}
