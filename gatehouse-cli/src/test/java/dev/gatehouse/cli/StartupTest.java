package dev.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * What keeps a CLI call's start short: picocli is given only the command the call names (its
 * model is built by reflection, a third of the start when it held every command), help and typos
 * still see them all; and the training run the launcher records its start-up archive from works
 * against its in-process node.
 */
final class StartupTest {

    @Test
    void aCallThatNamesItsCommand_buildsThatCommandOnly() {
        CommandLine status = Main.commandLine(name -> null, "status");
        assertThat(status.getSubcommands()).containsOnlyKeys("status");
        CommandLine backend = Main.commandLine(name -> null, "backend");
        assertThat(backend.getSubcommands()).containsOnlyKeys("backend");
        assertThat(backend.getSubcommands().get("backend").getSubcommands()).containsKeys("drain", "add", "weight");
    }

    @Test
    void help_aTypo_andNoArgument_seeEveryCommand_butNotTheHiddenOne() {
        for (String first : new String[] {null, "help", "--help", "stauts"}) {
            CommandLine cl = Main.commandLine(name -> null, first);
            assertThat(cl.getSubcommands()).as(first).containsKeys("run", "demo", "status", "backend", "deploy", "help");
        }
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine(name -> null, null);
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("--help")).isZero();
        assertThat(out.toString()).contains("status").contains("deploy").doesNotContain("train-cli");
        StringWriter err = new StringWriter();
        CommandLine typo = Main.commandLine(name -> null, "stauts");
        typo.setErr(new PrintWriter(err));
        assertThat(typo.execute("stauts")).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString()).contains("stauts");
    }

    @Test
    void theTrainingRun_drivesTheCommonCommandsAgainstANodeOfItsOwn_withoutAFailure() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine(name -> null, "train-cli");
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("train-cli")).isZero();
        assertThat(out.toString()).contains("trained the CLI (0 of the calls failed)");
    }

    @Test
    void theNodeTrainingRun_sendsTrafficThroughANodeOfItsOwn_andCountsTheAnswers() {
        StringWriter out = new StringWriter();
        CommandLine cl = Main.commandLine(name -> null, "train-node");
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("train-node", "--seconds", "1")).isZero();
        assertThat(out.toString()).containsPattern("trained a node \\([1-9][0-9]* requests answered\\)");
    }

    @Test
    void theNodeTrainingRun_refusesALengthOutOfRange() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(name -> null, "train-node");
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("train-node", "--seconds", "0")).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString()).contains("--seconds 0 (expected: 1 to 60)");
    }
}
