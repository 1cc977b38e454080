using System.Text.Json;

namespace Sensor.Core.Agents;

/// <summary>
/// Who sent a request, as the NATS server says it, not as the request claims. When requesters reach the
/// agent through a service import from their own account (export with <c>share: true</c>), the server
/// writes <c>Nats-Request-Info</c> with the requester's account and user, replacing any such header the
/// client wrote. Without it (requesters in the agent's own account) nothing on the message is the
/// server's word: such requests are one requester, <see cref="Unidentified"/>, so that choosing another
/// reply inbox or <c>requester</c> field cannot buy another rate budget.
/// </summary>
public static class RequesterIdentity
{
    public const string HeaderName = "Nats-Request-Info";
    public const string Unidentified = "(unidentified)";

    /// <summary>"ACCOUNT/USER" from the header's JSON, or <see cref="Unidentified"/> when it is missing or says neither.</summary>
    public static string From(string? requestInfo)
    {
        if (string.IsNullOrEmpty(requestInfo))
            return Unidentified;
        try
        {
            using var info = JsonDocument.Parse(requestInfo);
            if (info.RootElement.ValueKind != JsonValueKind.Object)
                return Unidentified;
            var account = Text(info.RootElement, "acc");
            var user = Text(info.RootElement, "user") ?? Text(info.RootElement, "id");
            return account is null && user is null ? Unidentified : $"{account ?? "-"}/{user ?? "-"}";
        }
        catch (JsonException)
        {
            return Unidentified;
        }
    }

    private static string? Text(JsonElement info, string name) =>
        info.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? value.ToString() : null;
}
