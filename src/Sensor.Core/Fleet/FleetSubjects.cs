using Sensor.Core.Agents;

namespace Sensor.Core.Fleet;

/// <summary>
/// Subjects of fleet mode: <c>sensor.&lt;sensor&gt;.&lt;type&gt;.&lt;kind&gt;</c>, where type is session, finding
/// or verdict and kind is the protocol, the finding kind or the verdict. Consumers filter on the server
/// with wildcards, e.g. <c>sensor.*.finding.starttls-stripped</c>. Four tokens, so they never meet the
/// agent protocol's three-token <c>sensor.probe.&lt;agent&gt;</c>.
/// </summary>
public static class FleetSubjects
{
    public const string Session = "session";
    public const string Finding = "finding";
    public const string Verdict = "verdict";

    /// <summary>What the stream keeps: every sensor's sessions, findings and verdicts.</summary>
    public static readonly string[] StreamSubjects = [Of("*", Session, "*"), Of("*", Finding, "*"), Of("*", Verdict, "*")];

    public static string Of(string sensor, string type, string kind) => $"sensor.{sensor}.{type}.{kind}";

    /// <summary>A sensor name is one subject token (the agent names' rule), so it cannot widen a filter.</summary>
    public static bool IsValidName(string name) => AgentSubjects.IsValidName(name);

    /// <summary>A record's kind as one subject token: anything outside [A-Za-z0-9_-] becomes '_'.</summary>
    public static string Token(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "unknown";
        var token = string.Create(Math.Min(value.Length, 64), value, static (span, v) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = char.IsAsciiLetterOrDigit(v[i]) || v[i] is '-' or '_' ? v[i] : '_';
        });
        return token;
    }

    /// <summary>The host's short name as a sensor name (the part before the first dot, made a valid token).</summary>
    public static string DefaultSensorName()
    {
        var host = Environment.MachineName;
        var dot = host.IndexOf('.');
        return Token(dot > 0 ? host[..dot] : host);
    }

    /// <summary>The sensor (second token) of a fleet subject, or null when the subject is not one.</summary>
    public static string? SensorOf(string subject)
    {
        var parts = subject.Split('.');
        return parts.Length == 4 && parts[0] == "sensor" ? parts[1] : null;
    }
}
