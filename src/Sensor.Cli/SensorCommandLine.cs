using System.CommandLine;
using System.CommandLine.Help;
using Sensor.Cli.Commands;

namespace Sensor.Cli;

/// <summary>The `sensor` command tree: every verb and option. The help, the man page and the shell completions are made from it.</summary>
public static class SensorCommandLine
{
    private const string Description = "Sensor: catches attacks on email transport security (STARTTLS stripping, cleartext credentials) in SMTP, IMAP and POP3 traffic.";

    public static RootCommand Build()
    {
        var root = new RootCommand(Description)
        {
            ReplayCommand.Build(),
            LiveCommand.Build(),
            ProbeCommand.Build(),
            AgentCommand.Build(),
            TailCommand.Build(),
            ImportCommand.Build(),
            FieldtestCommand.Build(),
            SurveyCommand.Build(),
            RulesCommand.Build(),
            StoreCommand.Build(),
        };
        foreach (var query in QueryCommands.Build())
            root.Subcommands.Add(query);
        // `sensor` alone is a question: the answer is the help, and exit 0
        root.SetAction(result => new HelpAction().Invoke(result));
        return root;
    }
}
