using Sensor.Core.Output;

namespace Sensor.Tests.Output;

/// <summary>Console wrapping: at spaces only, never inside a word; a word longer than the line stays whole.</summary>
public class TextWrapTests
{
    private const string Sentence = "Your network removes STARTTLS on port 25: mail from here to example.org can be read on the way";

    [Fact]
    public void BreaksAtSpacesWithAHangingIndent()
    {
        Assert.Equal(
        [
            "  x Your network removes STARTTLS on port",
            "    25: mail from here to example.org can",
            "    be read on the way",
        ], TextWrap.Wrap(Sentence, 42, "  x ", "    "));
    }

    [Fact]
    public void NoWordIsEverCut_AtAnyWidth()
    {
        var words = Sentence.Split(' ');
        for (var width = TextWrap.MinWidth; width <= 120; width++)
        {
            var lines = TextWrap.Wrap(Sentence, width, "  ", "    ").ToList();
            Assert.All(lines, l => Assert.True(l.Length <= width, $"'{l}' is longer than {width}"));
            Assert.Equal(words, lines.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
        }
    }

    [Fact]
    public void ALongTokenStandsWholeOnItsOwnLine()
    {
        var hash = new string('a', 64);
        Assert.Equal(["certificate", hash, "differs"], TextWrap.Wrap($"certificate {hash} differs", 40));
    }

    [Fact]
    public void NarrowerThanTheMinimumWrapsAtTheMinimum_AndEmptyIsOneLine()
    {
        Assert.Equal(TextWrap.Wrap(Sentence, TextWrap.MinWidth), TextWrap.Wrap(Sentence, 5));
        Assert.Equal(["  "], TextWrap.Wrap("", 80, "  "));
    }
}
