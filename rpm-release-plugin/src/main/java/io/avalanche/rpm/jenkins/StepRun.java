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
 * The synchronous execution of every rpm-release step: runs the step's body ({@link RpmStep#run}) off the CPS thread
 * with the workspace (null for a step that needs no node) and the build's listener; the result is rpm-core's
 * vocabulary ({@code toMap()}). It also answers what several bodies ask of their context: the run, the AWS and docker
 * settings, the workspace's temporary directory and the arch (the agent's when the step names none).
 */
final class StepRun extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
    private static final long serialVersionUID = 1L;
    private final transient RpmStep step;

    StepRun(RpmStep step, StepContext context) {
        super(context);
        this.step = step;
    }

    @Override
    protected Map<String, Object> run() throws Exception {
        StepContext c = getContext();
        return step.run(this, c.get(FilePath.class), c.get(TaskListener.class));
    }

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
