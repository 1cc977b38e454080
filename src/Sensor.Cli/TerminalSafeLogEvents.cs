using Sensor.Core.Output;
using Serilog.Core;
using Serilog.Events;

namespace Sensor.Cli;

/// <summary>
/// Every text a log event carries (a requester's name, a server's reply, a path from the command
/// line) goes to stderr and the log file escaped by <see cref="TerminalText"/>: a peer can neither
/// drive the terminal nor start a forged log line.
/// </summary>
public sealed class TerminalSafeLogEvents : ILogEventEnricher
{
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? escaped = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (value is ScalarValue { Value: string text } && TerminalText.Escape(text) is var safe && !ReferenceEquals(safe, text))
                (escaped ??= []).Add(new LogEventProperty(name, new ScalarValue(safe)));
        }
        foreach (var property in escaped ?? [])
            logEvent.AddOrUpdateProperty(property);
    }
}
