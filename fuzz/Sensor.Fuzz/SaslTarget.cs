using System.Text;
using Sensor.Core.Protocols;
using Sensor.Core.Protocols.Sasl;

namespace Sensor.Fuzz;

/// <summary>
/// One SASL exchange. First byte: mechanism. The rest is lines split on '\n'; each line's first byte
/// says what it is (0: server challenge, 1: initial response, else: client response). Also the
/// helpers the exchange uses, on the whole input.
/// </summary>
internal static class SaslTarget
{
    private static readonly string[] Mechanisms = ["PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2", "OAUTHBEARER", "DIGEST-MD5", "SCRAM-SHA-1", "GSSAPI"];

    public static void Run(ReadOnlySpan<byte> data)
    {
        var input = new FuzzInput(data);
        var mechanism = Mechanisms[input.Byte() % Mechanisms.Length];
        var rest = input.Rest;
        var sink = new CheckingSink();
        var exchange = SaslExchange.Start(mechanism, "smtp-auth-");
        foreach (var range in rest.Split((byte)'\n'))
        {
            var line = rest[range];
            if (line.IsEmpty)
                continue;
            switch (line[0] % 3)
            {
                case 0: exchange.OnChallenge(line[1..]); break;
                case 1: exchange.OnInitialResponse(line[1..], sink); break;
                default: exchange.OnResponse(line[1..], sink); break;
            }
            _ = exchange.WantsClientLine;
        }
        exchange.Close(sink);

        SaslText.TryDecode(rest, out _);
        SaslText.Split(rest, 0);
        ExactText.From(rest);
        SaslText.DirectiveValue(Encoding.Latin1.GetString(rest), "username");
    }
}
