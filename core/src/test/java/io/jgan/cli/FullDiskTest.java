package io.jgan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jgan.JganException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up mid-run: training runs in a child JVM whose output folder is a 48 MiB
 * tmpfs (mounted in a private mount namespace by {@code unshare}, so no root is needed and
 * nothing outside the test sees it). A checkpoint of the seed 004 model with both Adam states is
 * about 35 MB, so the first fits and the second does not. The run must stop with exit code 5 and
 * a one-line message, keep the first checkpoint loadable, leave no half-written one, and resume
 * once there is space again.
 */
class FullDiskTest {

    @TempDir
    Path tmp;

    @Test
    void aFullDiskStopsCleanlyAndKeepsTheLastCheckpoint() throws Exception {
        assumeTrue(unshareWorks(), "unshare -rm (user and mount namespaces) is not available here");
        Path mnt = Files.createDirectory(tmp.resolve("disk"));
        Path sample = tmp.resolve("sample.png");
        String java = Path.of(System.getProperty("java.home"), "bin", "java")
                + " -Djava.awt.headless=true -Xmx1g -cp " + System.getProperty("java.class.path") + " io.jgan.cli.Main";
        String run = mnt + "/run";
        String script = String.join("\n",
                "set -u",
                "mount -t tmpfs -o size=48m jgan-full-disk-test " + mnt + " || exit 99",
                java + " train --limit 200 --batch-size 50 --seed 3 --max-steps 6 --checkpoint-every 2"
                        + " --no-progress --out " + run + " 2>" + tmp + "/err1.txt",
                "echo train-rc=$?",
                "echo listing=$(ls -A " + run + "/checkpoints | tr '\\n' ' ')",
                java + " sample --checkpoint " + run + " --n 4 --out " + sample + " >/dev/null 2>&1",
                "echo sample-rc=$?",
                "mount -o remount,size=256m " + mnt,
                java + " train --resume " + run + " --no-progress >/dev/null 2>" + tmp + "/err2.txt",
                "echo resume-rc=$?",
                "echo listing2=$(ls -A " + run + "/checkpoints | tr '\\n' ' ')");
        Process p = new ProcessBuilder("unshare", "-rm", "sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assumeTrue(!out.contains("exit 99") && p.exitValue() != 99, "cannot mount a tmpfs here: " + out);

        String err = Files.readString(tmp.resolve("err1.txt"));
        System.out.println("FullDiskTest: the run said: " + err.strip());
        assertThat(out).contains("train-rc=" + JganException.IO);
        assertThat(err).contains("cannot write checkpoint", "No space left on device", "earlier checkpoints are intact")
                .doesNotContain("Exception", "\tat ");
        // the step-2 checkpoint survives, the step-4 one left nothing behind
        assertThat(out).contains("listing=step-00000002\n");
        assertThat(out).contains("sample-rc=0");
        assertThat(sample).isRegularFile();
        assertThat(out).as(Files.readString(tmp.resolve("err2.txt"))).contains("resume-rc=0");
        assertThat(out).contains("listing2=step-00000004 step-00000006\n");
    }

    private static boolean unshareWorks() {
        try {
            Process p = new ProcessBuilder(List.of("unshare", "-rm", "true")).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
