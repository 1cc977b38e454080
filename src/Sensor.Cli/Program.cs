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
    // Without System.CommandLine's own handler, which prints a stack trace and exits 1 (--fail-on's code).
    exitCode = await parsed.InvokeAsync(new System.CommandLine.InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e)
{
    exitCode = LastResort.Report(e);
}
return await Logging.CloseAsync(exitCode);
