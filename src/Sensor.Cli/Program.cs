using Sensor.Cli;
using Sensor.Core.Probing.Trust;

LastResort.Install();
RuntimeStoreIsolation.Apply();

var parsed = SensorCommandLine.Build().Parse(args);
if (parsed.Errors.Count > 0)
    return LastResort.Report(ParseErrorLine.For(parsed));
int exitCode;
try
{
    // Without System.CommandLine's own handler, which prints a stack trace and exits 1 (--fail-on's code). After
    // SIGINT/SIGTERM a verb winds down (a survey prints what finished, live flushes open sessions): System.CommandLine's
    // 2 s before it gives up on the action is too short on a loaded machine.
    exitCode = await parsed.InvokeAsync(new System.CommandLine.InvocationConfiguration
    {
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
    });
}
catch (Exception e)
{
    exitCode = LastResort.Report(e);
}
return await Logging.CloseAsync(exitCode);
