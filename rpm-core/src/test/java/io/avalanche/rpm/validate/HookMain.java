package io.avalanche.rpm.validate;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Child JVM for the interrupt test: runs a step that sleeps, prints the container's name once it runs, waits to be killed. */
public final class HookMain {
    private HookMain() {
    }

    public static void main(String[] args) throws Exception {
        ContainerTarget.Engine e = new ContainerTarget.Engine(List.of("docker"), Map.of("DOCKER_HOST", args[0]),
                Duration.ofMinutes(2));
        ContainerTarget t = ContainerTarget.open(e, args[1], Path.of(args[2]));
        Thread run = new Thread(() -> t.run(List.of(new Step("sleep", new Step.Run("/bin/sleep", List.of("600"))))));
        run.setDaemon(true);
        run.start();
        for (int i = 0; i < 600; i++) {
            if (ContainerEnv.containersOf(e).contains(t.name())) {
                System.out.println("started " + t.name());
                System.out.flush();
                break;
            }
            Thread.sleep(100);
        }
        Thread.sleep(600_000);
    }
}
