using System.Net;

namespace Sensor.Cli.Service;

/// <summary>Checks the values the types alone do not (ranges, a loopback metrics address), once all overrides are in.</summary>
public static class SettingsValidator
{
    public static void Validate(SensorSettings settings, ConfigSources sources)
    {
        if (settings.Capture.Interfaces.Length == 0)
            throw new ConfigException("no interface to capture on: give -i IFACE or Capture:Interfaces in the config file");
        Require(settings.Capture.BufferMb >= 1, "Capture:BufferMb", "must be at least 1", sources);
        var jsonl = settings.Sinks.JsonLines;
        Require(jsonl.MaxSizeMb >= 0, "Sinks:JsonLines:MaxSizeMb", "cannot be negative (0: never rotate by size)", sources);
        Require(jsonl.Keep >= 1, "Sinks:JsonLines:Keep", "must be at least 1", sources);
        Require(jsonl.RotateEvery is null || jsonl.RotateEvery > TimeSpan.Zero, "Sinks:JsonLines:RotateEvery", "must be above zero (leave it out to never rotate by time)", sources);
        Require(settings.Caps.MaxFlows is null or >= 1, "Caps:MaxFlows", "must be at least 1", sources);
        Require(settings.Caps.MaxBufferedMb is null or >= 0, "Caps:MaxBufferedMb", "cannot be negative", sources);
        Require(settings.Metrics.StatsInterval >= TimeSpan.Zero, "Metrics:StatsInterval", "cannot be negative (0: no stats line)", sources);
        if (settings.Metrics.Prometheus is { } endpoint)
            Require(PrometheusEndpoint(endpoint) is not null, "Metrics:Prometheus", $"must be a loopback address and port like 127.0.0.1:9464 or [::1]:9464, not '{endpoint}'", sources);
    }

    /// <summary>The loopback address and port of "address:port", or null when it is not one.</summary>
    public static IPEndPoint? PrometheusEndpoint(string endpoint) =>
        IPEndPoint.TryParse(endpoint, out var parsed) && IPAddress.IsLoopback(parsed.Address) && parsed.Port > 0 ? parsed : null;

    private static void Require(bool ok, string key, string problem, ConfigSources sources)
    {
        if (!ok)
            throw sources.Error(key, problem);
    }
}
