using Sensor.Core.Catalogue;
using Sensor.Core.Sessions;

namespace Sensor.Core.Detection;

/// <summary>
/// One problem found in one session. Evidence values are strings, longs or booleans of the type the
/// catalogue gives their key (Catalogue/EvidenceKeys.cs), safe to print; the raw secret, when
/// there is one, is kept apart in <see cref="Secret"/> (and, when its bytes were not UTF-8, in
/// <see cref="SecretBase64"/>) so that every sink must decide to redact it.
/// </summary>
public sealed record Finding(
    string Kind,
    string? Variant,
    Severity Severity,
    double Confidence,
    MailSession Session,
    long Ticks,
    string Summary,
    IReadOnlyList<KeyValuePair<string, object?>> Evidence,
    string? Secret = null,
    string? SecretBase64 = null)
{
    /// <summary>The user name when the finding is about a credential.</summary>
    public string? User => Evidence.FirstOrDefault(e => e.Key == EvidenceKeys.User).Value as string;

    public string Id => SessionId.ForFinding(Session.Id, Kind, Variant, Ticks, User);
}
