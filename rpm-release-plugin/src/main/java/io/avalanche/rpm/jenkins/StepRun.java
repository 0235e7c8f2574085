package io.avalanche.rpm.jenkins;

import hudson.FilePath;
import hudson.model.TaskListener;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.SynchronousNonBlockingStepExecution;

import java.util.Map;

/**
 * The synchronous execution every rpm-release step uses: holds the step and hands its body the workspace (null for a
 * step that needs no node) and the build's listener; the result is rpm-core's vocabulary ({@code toMap()}).
 */
abstract class StepRun<S extends Step> extends SynchronousNonBlockingStepExecution<Map<String, Object>> {
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
}
