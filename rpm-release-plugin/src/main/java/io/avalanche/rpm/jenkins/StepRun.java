package io.avalanche.rpm.jenkins;

import hudson.AbortException;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import hudson.slaves.WorkspaceList;
import io.avalanche.rpm.RpmException;
import jenkins.MasterToSlaveFileCallable;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

import java.io.File;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The synchronous execution every rpm-release step uses: holds the step and hands its body the workspace (null for a
 * step that needs no node) and the build's listener; the result is rpm-core's vocabulary ({@code toMap()}). It also
 * answers what several bodies ask of their context: the run, the AWS and docker settings, the workspace's temporary
 * directory and the arch (the agent's when the step names none).
 */
abstract class StepRun<S extends RpmStep> extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
    private static final long serialVersionUID = 1L;
    final transient S step;

    StepRun(S step, StepContext context) {
        super(context);
        this.step = step;
    }

    @Override
    protected final Map<String, Object> run() throws Exception {
        StepContext c = getContext();
        return run(c.get(FilePath.class), c.get(TaskListener.class));
    }

    /** The step's work. */
    protected abstract Map<String, Object> run(FilePath workspace, TaskListener listener) throws Exception;

    Run<?, ?> build() throws IOException, InterruptedException {
        return getContext().get(Run.class);
    }

    /** The AWS variables of the step's environment (withAWS), as rpm-core takes them. */
    TreeMap<String, String> aws() throws IOException, InterruptedException {
        return new TreeMap<>(StepEnvironment.aws(getContext().get(EnvVars.class)));
    }

    /** The docker CLI variables of the step's environment. */
    TreeMap<String, String> docker() throws IOException, InterruptedException {
        return new TreeMap<>(StepEnvironment.docker(getContext().get(EnvVars.class)));
    }

    /** The workspace's @tmp directory, where the step's scratch files and zstd-jni's native library go. */
    FilePath tempDir(FilePath workspace) throws AbortException {
        FilePath tmp = WorkspaceList.tempDir(workspace);
        if (tmp == null) {
            throw new AbortException(Messages.StepRun_NoTempDir(step.function(), workspace.getRemote()));
        }
        return tmp;
    }

    /** {@code arch} as given, or the RPM arch of the agent {@code where} is on. */
    String arch(FilePath where, String arch) throws IOException, InterruptedException {
        return arch != null ? arch : where.act(new HostArch(step.function()));
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

    /** Agent side of a step: rpm-core's work on the agent, whose refusal is the step's error "function: reason". */
    abstract static class AgentCall<T> extends MasterToSlaveFileCallable<T> {
        private static final long serialVersionUID = 1L;
        final String function;

        AgentCall(String function) {
            this.function = function;
        }

        @Override
        public final T invoke(File f, VirtualChannel channel) throws IOException, InterruptedException {
            try {
                return call(f);
            } catch (RpmException e) {
                throw new AbortException(function + ": " + e.getMessage());
            }
        }

        /** The work on {@code f} (the agent's directory the callable acts on). */
        abstract T call(File f) throws IOException, InterruptedException;
    }
}
