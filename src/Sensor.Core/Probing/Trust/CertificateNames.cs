using System.Formats.Asn1;
using System.Text;

namespace Sensor.Core.Probing.Trust;

/// <summary>
/// Reads a certificate's issuer and subject straight from its DER, and turns a distinguished name
/// into a lookup key: each attribute's type and value, the value trimmed, inner white space runs
/// made one space and ASCII lower-cased, as OpenSSL canonicalises names before it matches an
/// issuer to a subject. Two encodings of one name (PrintableString or UTF8String) get one key,
/// so the key finds every certificate the chain builder might match; the builder decides.
/// Pure: bytes in, strings out.
/// </summary>
public static class CertificateNames
{
    /// <summary>The issuer and subject Names of a DER certificate; null when it is not one.</summary>
    public static (ReadOnlyMemory<byte> Issuer, ReadOnlyMemory<byte> Subject)? IssuerAndSubject(ReadOnlyMemory<byte> certificate)
    {
        try
        {
            var tbs = new AsnReader(certificate, AsnEncodingRules.BER).ReadSequence().ReadSequence();
            if (tbs.PeekTag() == new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true))
                tbs.ReadEncodedValue(); // version
            tbs.ReadEncodedValue(); // serial number
            tbs.ReadEncodedValue(); // signature algorithm
            var issuer = tbs.ReadEncodedValue();
            tbs.ReadEncodedValue(); // validity
            return (issuer, tbs.ReadEncodedValue());
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>The lookup key of a DER Name; a name that does not parse keys by its bytes.</summary>
    public static string Key(ReadOnlyMemory<byte> name)
    {
        try
        {
            var key = new StringBuilder();
            var rdns = new AsnReader(name, AsnEncodingRules.BER).ReadSequence();
            while (rdns.HasData)
            {
                var set = rdns.ReadSetOf(skipSortOrderValidation: true);
                while (set.HasData)
                {
                    var attribute = set.ReadSequence();
                    key.Append(attribute.ReadObjectIdentifier()).Append('=');
                    AppendCanonical(key, ValueText(attribute));
                    key.Append('/');
                }
                key.Append('+');
            }
            return key.ToString();
        }
        catch (AsnContentException)
        {
            return "#" + Convert.ToHexStringLower(name.Span);
        }
    }

    private static readonly UTF32Encoding Utf32BigEndian = new(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true);

    private static string ValueText(AsnReader attribute)
    {
        var tag = attribute.PeekTag();
        if (tag.TagClass == TagClass.Universal)
        {
            try
            {
                switch ((UniversalTagNumber)tag.TagValue)
                {
                    case UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String or UniversalTagNumber.T61String
                        or UniversalTagNumber.BMPString or UniversalTagNumber.VisibleString or UniversalTagNumber.NumericString:
                        return attribute.ReadCharacterString((UniversalTagNumber)tag.TagValue);
                    case UniversalTagNumber.UniversalString when !tag.IsConstructed && Ucs4Text(attribute.PeekEncodedValue().Span) is { } text:
                        attribute.ReadEncodedValue();
                        return text;
                }
            }
            catch (AsnContentException)
            {
                // an undecodable string keys by its bytes, below
            }
        }
        return Bytes(attribute);
    }

    private static string Bytes(AsnReader attribute) => "#" + Convert.ToHexStringLower(attribute.ReadEncodedValue().Span);

    /// <summary>A primitive UniversalString's UCS-4 text, which AsnReader cannot decode itself; null when it is not whole characters.</summary>
    private static string? Ucs4Text(ReadOnlySpan<byte> encoded)
    {
        AsnDecoder.ReadEncodedValue(encoded, AsnEncodingRules.BER, out var offset, out var length, out _);
        try
        {
            return Utf32BigEndian.GetString(encoded.Slice(offset, length));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static void AppendCanonical(StringBuilder key, string value)
    {
        var pendingSpace = false;
        foreach (var c in value.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                continue;
            }
            if (pendingSpace)
                key.Append(' ');
            pendingSpace = false;
            key.Append(char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c);
        }
    }
}
