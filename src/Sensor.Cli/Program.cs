using System.CommandLine;
using Sensor.Cli;
using Sensor.Cli.Commands;
using Sensor.Core.Probing.Trust;

LastResort.Install();
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
int exitCode;
try
{
    // Without System.CommandLine's own handler, which prints a stack trace and exits 1 (--fail-on's code).
    exitCode = await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e)
{
    exitCode = LastResort.Report(e);
}
return await Logging.CloseAsync(exitCode);
