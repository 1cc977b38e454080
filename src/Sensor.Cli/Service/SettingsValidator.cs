using System.Net;
using Sensor.Cli.Commands;
using Sensor.Core.Agents;
using Sensor.Core.Fleet;

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
        Require(settings.Caps.MaxFragmentBufferMb is null or > 0, "Caps:MaxFragmentBufferMb", "must be positive", sources);
        Require(settings.Storage.Keep is null || settings.Storage.Keep > TimeSpan.Zero, "Storage:Keep", "must be above zero (leave it out to keep records for ever)", sources);
        Require(settings.Metrics.StatsInterval >= TimeSpan.Zero, "Metrics:StatsInterval", "cannot be negative (0: no stats line)", sources);
        if (settings.Metrics.Prometheus is { } endpoint)
            Require(PrometheusEndpoint(endpoint) is not null, "Metrics:Prometheus", $"must be an address of this host and a port, like 127.0.0.1:9464, [::1]:9464 or 192.0.2.10:9464 (one address: the listener cannot serve a wildcard such as 0.0.0.0), not '{endpoint}'", sources);
        ValidateBus(settings, sources);
        ValidateCrossCheck(settings.CrossCheck, sources);
    }

    private static void ValidateBus(SensorSettings settings, ConfigSources sources)
    {
        var bus = settings.Bus;
        if (bus.Url is { } url && BusOptions.UrlProblem(url) is { } problem)
            throw sources.Error("Bus:Url", problem);
        if (bus.Creds is not null || bus.User is not null || bus.PasswordFile is not null || bus.TokenFile is not null)
            Require(new BusValues(bus.Url, bus.Creds, bus.User, bus.PasswordFile, bus.TokenFile).CredentialProblem() is null, "Bus",
                "takes one kind of credential: Creds, User with PasswordFile, or TokenFile", sources);
        var fleet = settings.Fleet;
        if (fleet.SensorName is { } name)
            Require(FleetSubjects.IsValidName(name), "Fleet:SensorName", $"takes 1-64 letters, digits, '-' or '_', not '{name}'", sources);
        Require(fleet.OutboxMax is null or >= 1 and <= 10_000_000, "Fleet:OutboxMax", "takes 1 to 10000000 records", sources);
    }

    private static void ValidateCrossCheck(CrossCheckSettings crossCheck, ConfigSources sources)
    {
        for (int i = 0; i < crossCheck.Via.Length; i++)
            Require(AgentSubjects.IsValidName(crossCheck.Via[i]), $"CrossCheck:Via:{i}", $"takes an agent name (1-64 letters, digits, '-' or '_'), not '{crossCheck.Via[i]}'", sources);
        Require(crossCheck.Ttl is null || crossCheck.Ttl > TimeSpan.Zero, "CrossCheck:Ttl", "must be above zero", sources);
        Require(crossCheck.StepTimeout is null || (crossCheck.StepTimeout > TimeSpan.Zero && crossCheck.StepTimeout <= CrossCheckCli.MaxStep),
            "CrossCheck:StepTimeout", $"must be above zero and at most {CrossCheckCli.MaxStep}", sources);
        Require(crossCheck.Wait is null || crossCheck.Wait >= TimeSpan.Zero, "CrossCheck:Wait", "cannot be negative", sources);
        if (crossCheck.LocalVantage is { } vantage)
            Require(Commands.Options.ProbeCliOptions.IsValidVantage(vantage), "CrossCheck:LocalVantage", "takes a name of 1 to 64 printable characters", sources);
    }

    /// <summary>The address and port of "address:port", or null when it is not one or its address is a wildcard.</summary>
    public static IPEndPoint? PrometheusEndpoint(string endpoint) =>
        IPEndPoint.TryParse(endpoint, out var parsed) && parsed.Port > 0 && !parsed.Address.Equals(IPAddress.Any) && !parsed.Address.Equals(IPAddress.IPv6Any) ? parsed : null;

    private static void Require(bool ok, string key, string problem, ConfigSources sources)
    {
        if (!ok)
            throw sources.Error(key, problem);
    }
}
