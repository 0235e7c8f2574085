package io.avalanche.rpm.jenkins;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.Util;
import hudson.model.Item;
import hudson.model.Queue;
import hudson.model.queue.Tasks;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.avalanche.rpm.RpmException;
import jenkins.model.Jenkins;

import java.util.List;

/** Form helpers shared by the descriptors: required fields, tag checks, arch and layout choices, credential lists. */
final class Forms {
    private Forms() {
    }

    /** OK when rpm-core accepts what {@code check} checks; else its reason as the form's error. */
    static FormValidation check(Runnable check) {
        try {
            check.run();
            return FormValidation.ok();
        } catch (RpmException e) {
            return FormValidation.error(e.getMessage());
        }
    }

    /** A required field: the form's error {@code missing} when {@code value} is empty; else as {@link #check}. */
    static FormValidation required(String value, String missing, Runnable check) {
        return Util.fixEmptyAndTrim(value) == null ? FormValidation.error(missing) : check(check);
    }

    /** A required field that rpm-core does not check further. */
    static FormValidation required(String value, String missing) {
        return required(value, missing, () -> {
        });
    }

    static FormValidation checkTag(String value) {
        return required(value, Messages.Forms_TagRequired(), () -> RpmCore.checkTag(value));
    }

    static ListBoxModel archItems() {
        ListBoxModel m = new ListBoxModel();
        m.add(Messages.Forms_AgentArch(), "");
        m.add("x86_64");
        m.add("aarch64");
        return m;
    }

    /** The layouts rpm-core knows, its default (seed) first. */
    static ListBoxModel layoutItems() {
        ListBoxModel m = new ListBoxModel();
        for (String id : RpmCorePublish.layouts()) {
            m.add(id);
        }
        return m;
    }

    /**
     * Credentials of one type visible to {@code item}, for users who may configure it (the credentials plugin's
     * consumer recipe); others only see the current value.
     */
    static ListBoxModel credentials(Item item, String value, Class<? extends StandardCredentials> type) {
        String current = Util.fixNull(value);
        StandardListBoxModel result = new StandardListBoxModel();
        if (item == null) {
            if (!Jenkins.get().hasPermission(Jenkins.ADMINISTER)) {
                return result.includeCurrentValue(current);
            }
        } else if (!item.hasPermission(Item.EXTENDED_READ) && !item.hasPermission(CredentialsProvider.USE_ITEM)) {
            return result.includeCurrentValue(current);
        }
        return result
                .includeEmptyValue()
                .includeMatchingAs(item instanceof Queue.Task ? Tasks.getAuthenticationOf2((Queue.Task) item) : ACL.SYSTEM2,
                        item, type, List.of(), CredentialsMatchers.always())
                .includeCurrentValue(current);
    }
}
