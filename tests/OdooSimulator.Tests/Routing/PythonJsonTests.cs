using System.Text.Json.Nodes;
using OdooSimulator.Routing;

namespace OdooSimulator.Tests.Routing;

public sealed class PythonJsonTests
{
    [Fact]
    public void Serialize_UsesPythonSeparatorsAndKeepsFloatsAsFloats()
    {
        var node = new JsonObject { ["id"] = 9, ["amount"] = 200.0, ["ratio"] = 0.15, ["name"] = "E2E \"Widget\"\n", ["lines"] = new JsonArray(1, false, null), ["accent"] = "é" };

        Assert.Equal("{\"id\": 9, \"amount\": 200.0, \"ratio\": 0.15, \"name\": \"E2E \\\"Widget\\\"\\n\", \"lines\": [1, false, null], \"accent\": \"é\"}", PythonJson.Serialize(node));
    }

    [Fact]
    public void Serialize_KeepsTheNumberTextOfParsedValues() =>
        Assert.Equal("{\"id\": 1, \"x\": 2.50}", PythonJson.Serialize(JsonNode.Parse("{\"id\":1,\"x\":2.50}")));
}
