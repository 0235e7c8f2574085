package io.avalanche.rpm.release;

import io.avalanche.rpm.SpecException;
import io.avalanche.rpm.testing.Cmd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What git says about a source tree, against real git: HEAD, its time, changes, tags, and the two refusals. */
class GitStateTest {
    private static final Map<String, String> DATES = Map.of("GIT_AUTHOR_DATE", "2024-06-01T12:00:00Z",
            "GIT_COMMITTER_DATE", "2024-06-01T12:00:00Z");

    @TempDir
    Path tmp;

    private static String git(Path dir, String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "user.name=t",
                "-c", "user.email=t@example.invalid"));
        cmd.addAll(List.of(args));
        return Cmd.run(cmd, null, DATES).ok().output().trim();
    }

    @Test
    void headItsTimeAndTagsAnnotatedOrNot() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        git(src, "init", "-q");
        Files.writeString(src.resolve("a.txt"), "a\n");
        git(src, "add", "-A");
        git(src, "commit", "-q", "-m", "one");
        git(src, "tag", "v1.0.0");
        git(src, "tag", "-a", "-m", "annotated", "v1.0.1");
        String head = git(src, "rev-parse", "HEAD");

        GitState s = GitState.read(src, "v1.0.0");
        assertThat(s.commit()).isEqualTo(head);
        assertThat(s.commitTime()).isEqualTo(1_717_243_200L);
        assertThat(s.clean()).isTrue();
        assertThat(s.tagCommit()).isEqualTo(head);
        assertThat(GitState.read(src, "v1.0.1").tagCommit()).as("an annotated tag, peeled").isEqualTo(head);
        assertThat(GitState.read(src, "v9.9.9").tagCommit()).isNull();
        assertThat(GitState.read(src, null).tagCommit()).isNull();

        Files.writeString(src.resolve("a.txt"), "changed\n");
        Files.writeString(src.resolve("new.txt"), "untracked\n");
        GitState dirty = GitState.read(src.resolve("."), "v1.0.0");
        assertThat(dirty.clean()).isFalse();
        assertThat(dirty.changes()).containsExactly(" M a.txt", "?? new.txt");
        assertThat(dirty.commit()).isEqualTo(head);
    }

    @Test
    void aTreeOutsideGitOrWithoutACommitIsRefusedWithTheFix() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        assertThatThrownBy(() -> GitState.read(plain, "v1.0.0")).isInstanceOf(SpecException.class)
                .hasMessageStartingWith(plain + " is not a git checkout (").hasMessageContaining("git init it");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        git(empty, "init", "-q");
        assertThatThrownBy(() -> GitState.read(empty, "v1.0.0")).isInstanceOf(SpecException.class)
                .hasMessageStartingWith(empty + ": git has no commit checked out (")
                .hasMessageEndingWith("; commit the tree first");
    }
}
