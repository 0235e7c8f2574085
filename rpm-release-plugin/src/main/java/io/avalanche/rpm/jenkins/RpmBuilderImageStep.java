package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.Extension;
import hudson.FilePath;
import hudson.Util;
import hudson.model.TaskListener;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

import java.util.Map;

/**
 * {@code rpmBuilderImage(arch: 'x86_64')}: reads the workspace's go.mod and returns the builder image to use for
 * it: {@code [tag: 'rpm-release-builder:go1.23.4-amd64', goVersion: '1.23.4', targetArch: 'amd64', buildArgs: [...]]}
 * (the shared library then runs {@code docker.build(tag, buildArgs + context)}).
 */
public final class RpmBuilderImageStep extends RpmStep {
    static final String FUNCTION = "rpmBuilderImage";

    private String arch;
    private String goMod = "go.mod";

    @DataBoundConstructor
    public RpmBuilderImageStep() {
    }

    public String getArch() {
        return arch;
    }

    /** x86_64 or aarch64; empty means the agent's own architecture. */
    @DataBoundSetter
    public void setArch(String arch) {
        this.arch = Util.fixEmptyAndTrim(arch);
    }

    public String getGoMod() {
        return goMod;
    }

    /** Workspace-relative path of go.mod. */
    @DataBoundSetter
    public void setGoMod(String goMod) {
        this.goMod = Util.fixEmptyAndTrim(goMod) == null ? "go.mod" : goMod.trim();
    }

    /** Describes {@code rpmBuilderImage} to Pipeline and to the snippet generator. */
    @Extension
    @Symbol(FUNCTION)
    public static final class DescriptorImpl extends RpmDescriptor {
        public DescriptorImpl() {
            super(FUNCTION, Messages::RpmBuilderImageStep_DisplayName, true, FilePath.class, TaskListener.class);
        }
    }

    /** Reads go.mod from the agent and asks rpm-core for the image. */
    @Override
    Map<String, Object> run(StepRun ctx, FilePath workspace, TaskListener listener) throws Exception {
        FilePath goMod = workspace.child(this.goMod);
        if (!goMod.exists()) {
            throw new AbortException(Messages.RpmBuilderImageStep_NoGoMod(goMod.getRemote()));
        }
        String arch = ctx.arch(workspace, this.arch);
        String text = goMod.readToString();
        Map<String, Object> image = RpmStep.core(FUNCTION + ": " + goMod.getRemote(),
                () -> RpmCore.builderImage(text, arch));
        listener.getLogger().println(Messages.RpmBuilderImageStep_Image(image.get("tag"), goMod.getRemote()));
        return image;
    }
}
