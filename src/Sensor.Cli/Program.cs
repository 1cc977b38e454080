using System.CommandLine;
using Sensor.Cli;
using Sensor.Cli.Commands;
using Sensor.Core.Probing.Trust;

RuntimeStoreIsolation.Apply();

var root = new RootCommand("Sensor: catches attacks on email transport security (STARTTLS stripping, cleartext credentials) in SMTP, IMAP and POP3 traffic.")
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
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
        Console.Error.WriteLine($"sensor: {error.Message}");
    Console.Error.WriteLine("sensor: try 'sensor --help'");
    return ExitCodes.BadInput;
}
try
{
    return await parsed.InvokeAsync();
}
finally
{
    await Serilog.Log.CloseAndFlushAsync();
}
