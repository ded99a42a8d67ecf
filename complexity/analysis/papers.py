"""The figures papers (and reference implementations' tables) print for zoo networks, each with
its source: the data behind docs/paper-vs-mbcalc.md (docs/generate.py) and `mbcalc peers`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Printed:
    """A figure as a paper prints it: ``value`` × ``unit``, rounded to the last printed digit."""

    text: str
    value: Decimal
    unit: int
    exact: bool = False
    """An exact count (1,248,424), not a rounded one."""
    cut: bool = False
    """The source drops digits instead of rounding (MobileNetV2's Table 4: 300.77M as 300M)."""


def verdict(actual: int, printed: Printed) -> str:
    """'exact', 'rounds to it', 'cut to it' (where the source drops digits) or 'no'."""
    if printed.exact:
        return "exact" if Decimal(actual) == printed.value * printed.unit else "no"
    step = Decimal(1).scaleb(printed.value.as_tuple().exponent)  # type: ignore[arg-type]
    x = Decimal(actual) / printed.unit / step
    if x.quantize(Decimal(1), ROUND_HALF_UP) * step == printed.value:
        return "rounds to it"
    if printed.cut and x.to_integral_value(ROUND_FLOOR) * step == printed.value:
        return "cut to it"
    return "no"


@dataclass(frozen=True)
class Figure:
    """One figure a paper (or a reference implementation's table) prints for a zoo network."""

    args: tuple[str, ...]
    quantity: str
    """'MAdds', 'params', 'FLOPs' (2 × MAdds) or 'conv MAdds' (conv layers only)."""
    printed: Printed
    source: str
    note: str = ""


def _m(text: str, unit: int = 10**6, cut: bool = False) -> Printed:
    """'569' -> 569M; '1.7E3' -> 1,700M (two digits printed); ``cut``: the source drops digits."""
    shown = f"{Decimal(text):,f}" if "E" in text else text
    return Printed(shown + {10**6: "M", 10**9: " × 10⁹"}[unit], Decimal(text), unit, cut=cut)


def _exact(text: str) -> Printed:
    return Printed(text, Decimal(text.replace(",", "")), 1, exact=True)


MN = "MobileNet paper"
V2_README = "EfficientNetV2 release (google/automl README)"
PAPERS: list[tuple[str, str, list[Figure]]] = [
    ("MobileNetV1", "mobilenet_v1.md", [
        Figure(("mobilenet_v1",), "MAdds", _m("569"), f"{MN}, Table 8"),
        Figure(("mobilenet_v1",), "params", _m("4.2"), f"{MN}, Table 8"),
        Figure(("mobilenet_v1", "--resolution", "160"), "MAdds", _m("290"), f"{MN}, Table 7",
               "the paper scaled the fc layer's MAdds by ρ² too"),
    ]),
    ("MobileNetV2", "zoo/mobilenet_v2.md", [
        Figure(("mobilenet_v2",), "MAdds", _m("300", cut=True), "MobileNetV2 paper, Table 4"),
        Figure(("mobilenet_v2",), "params", _m("3.4", cut=True), "MobileNetV2 paper, Table 4"),
        Figure(("mobilenet_v2", "--alpha", "1.4"), "MAdds", _m("585"),
               "MobileNetV2 paper, Table 4", "the released 1.4 checkpoint: 582M, this network"),
        Figure(("mobilenet_v2", "--alpha", "1.4"), "params", _m("6.9"),
               "MobileNetV2 paper, Table 4", "the released 1.4 checkpoint: 6.06M"),
    ]),
    ("MobileNetV3", "zoo/mobilenet_v3.md", [
        Figure(("mobilenet_v3_large",), "MAdds", _m("219"), "MobileNetV3 paper, Table 3",
               "TF-slim's table prints 217 for the same model"),
        Figure(("mobilenet_v3_large",), "params", _m("5.4", cut=True),
               "MobileNetV3 paper, Table 3"),
        Figure(("mobilenet_v3_small",), "MAdds", _m("56", cut=True),
               "MobileNetV3 paper, Table 3"),
        Figure(("mobilenet_v3_small",), "params", _m("2.5"), "MobileNetV3 paper, Table 3"),
    ]),
    ("ShuffleNet V1", "zoo/shufflenet.md", [
        Figure(("shufflenet_v1",), "MAdds", _m("137"), "ShuffleNet paper, Table 1"),
        Figure(("shufflenet_v1", "--set", "groups=8"), "MAdds", _m("137"),
               "ShuffleNet paper, Table 1", "Table 1 leaves out the fc layer"),
        Figure(("shufflenet_v1", "--set", "scale=2.0x"), "MAdds", _m("524"),
               "ShuffleNet paper, Table 5"),
        Figure(("shufflenet_v1", "--set", "groups=4", "--set", "scale=0.5x"), "MAdds",
               _m("38"), "ShuffleNet paper, Table 5"),
    ]),
    ("ShuffleNet V2", "zoo/shufflenet.md", [
        Figure(("shufflenet_v2_x0_5",), "MAdds", _m("41"), "ShuffleNet V2 paper, Table 5",
               "the paper counted at least 23,552 more MAdds somewhere"),
        Figure(("shufflenet_v2_x0_5",), "params", _m("1.4"), "ShuffleNet V2 paper, Table 5"),
        Figure(("shufflenet_v2_x1_0",), "MAdds", _m("146"), "ShuffleNet V2 paper, Table 5",
               "the paper counts Megvii's code, whose stage 2 differs"),
        Figure(("shufflenet_v2_x1_0",), "params", _m("2.3"), "ShuffleNet V2 paper, Table 5"),
        Figure(("shufflenet_v2_x1_5",), "MAdds", _m("299"), "ShuffleNet V2 paper, Table 5",
               "as 1×"),
        Figure(("shufflenet_v2_x1_5",), "params", _m("3.5"), "ShuffleNet V2 paper, Table 5"),
        Figure(("shufflenet_v2_x2_0",), "MAdds", _m("591"), "ShuffleNet V2 paper, Table 5",
               "as 1×"),
        Figure(("shufflenet_v2_x2_0",), "params", _m("7.4"), "ShuffleNet V2 paper, Table 5"),
    ]),
    ("SqueezeNet, AlexNet, VGG16", "zoo/classic.md", [
        Figure(("squeezenet1_0", "--convention", "torch"), "params", _exact("1,248,424"),
               "SqueezeNet paper, Table 1", "weights and biases"),
        Figure(("squeezenet1_0", "--convention", "torch"), "params", _m("1.25"),
               f"{MN}, Table 9"),
        Figure(("squeezenet1_0", "--resolution", "227"), "FLOPs", _m("1.7E3"), f"{MN}, Table 9",
               "printed as Mult-Adds; it is 2 × MAdds at Caffe's 227×227"),
        Figure(("alexnet",), "MAdds", _m("7.2E2"), f"{MN}, Table 9",
               "the 2012 two-GPU network, not torchvision's"),
        Figure(("alexnet",), "params", _m("60"), f"{MN}, Table 9",
               "the 2012 paper's round \"60 million\""),
        Figure(("vgg16",), "MAdds", _m("1.53E4"), f"{MN}, Table 8",
               "the 13 conv layers alone (next row)"),
        Figure(("vgg16",), "conv MAdds", _m("1.53E4"), f"{MN}, Table 8"),
        Figure(("vgg16",), "params", _m("138"), f"{MN}, Table 8"),
    ]),
    ("GoogLeNet, Inception-v3", "zoo/inception.md", [
        Figure(("googlenet", "--set", "k5=5"), "MAdds", _m("1.55E3"), f"{MN}, Table 8",
               "not traced: neither the paper's network nor torchvision's"),
        Figure(("googlenet", "--set", "k5=5"), "params", _m("6.8"), f"{MN}, Table 8",
               "GoogLeNet's Table 1 summed in K = 1024"),
        Figure(("googlenet", "--convention", "torch"), "params", _exact("6,624,904"),
               "torchvision's model table"),
        Figure(("googlenet",), "MAdds", _m("1.50", 10**9), "torchvision (\"GFLOPS\")"),
        Figure(("inception_v3", "--set", "aux_logits=true", "--convention", "torch"), "params",
               _exact("27,161,264"), "torchvision's model table", "with the aux head"),
        Figure(("inception_v3",), "MAdds", _m("5.71", 10**9), "torchvision (\"GFLOPS\")",
               "in eval mode, without the aux head"),
    ]),
    ("ResNet, ResNeXt, Wide ResNet", "zoo/resnet.md", [
        Figure(("resnet18",), "MAdds", _m("1.8", 10**9), "ResNet paper, Table 1"),
        Figure(("resnet18", "--convention", "torch"), "params", _m("11.7"),
               "torchvision's model table"),
        Figure(("resnet50", "--set", "variant=keras"), "MAdds", _m("3.8", 10**9, cut=True),
               "ResNet paper, Table 1", "the original network, stride on the 1×1"),
        Figure(("resnet50",), "MAdds", _m("4.1", 10**9), "ResNeXt paper, Table 1"),
        Figure(("resnet50",), "params", _m("25.5"), "ResNeXt paper, Table 1"),
        Figure(("resnet50", "--convention", "torch"), "params", _m("25.6"),
               "torchvision's model table", "with batch norm's γ, β"),
        Figure(("resnext50_32x4d",), "MAdds", _m("4.2", 10**9), "ResNeXt paper, Table 1"),
        Figure(("resnext50_32x4d",), "params", _m("25.0"), "ResNeXt paper, Table 1"),
        Figure(("resnet34",), "MAdds", _m("3.6", 10**9, cut=True), "ResNet paper, Table 1",
               "3.66 cut, as 3.8 for ResNet-50"),
        Figure(("resnet101", "--set", "variant=keras"), "MAdds", _m("7.6", 10**9),
               "ResNet paper, Table 1", "the original network, stride on the 1×1"),
        Figure(("resnet152", "--set", "variant=keras"), "MAdds", _m("11.3", 10**9),
               "ResNet paper, Table 1", "the original network, stride on the 1×1"),
        Figure(("resnet101",), "MAdds", _m("7.8", 10**9), "torchvision (\"GFLOPS\")"),
        Figure(("resnet152", "--convention", "torch"), "params", _exact("60,192,808"),
               "torchvision's model table"),
        Figure(("resnext101_32x8d", "--convention", "torch"), "params", _exact("88,791,336"),
               "torchvision's model table"),
        Figure(("resnext101_64x4d",), "MAdds", _m("15.46", 10**9), "torchvision (\"GFLOPS\")"),
        Figure(("wide_resnet50_2", "--convention", "torch"), "params", _exact("68,883,240"),
               "torchvision's model table"),
        Figure(("wide_resnet101_2",), "MAdds", _m("22.753", 10**9),
               "torchvision (\"GFLOPS\")"),
        Figure(("resnet101", "--set", "variant=keras", "--convention", "keras"), "params",
               _m("44.7"), "Keras applications table"),
        Figure(("resnet152", "--set", "variant=keras", "--convention", "keras"), "params",
               _m("60.4"), "Keras applications table"),
        Figure(("resnet50_v2", "--convention", "keras"), "params", _m("25.6"),
               "Keras applications table"),
        Figure(("resnet101_v2", "--convention", "keras"), "params", _m("44.7"),
               "Keras applications table"),
        Figure(("resnet152_v2", "--convention", "keras"), "params", _m("60.4"),
               "Keras applications table"),
    ]),
    ("VGG", "zoo/classic.md", [
        Figure(("vgg11", "--convention", "torch"), "params", _m("133"), "VGG paper, Table 2",
               "configuration A"),
        Figure(("vgg13", "--convention", "torch"), "params", _m("133"), "VGG paper, Table 2",
               "configuration B"),
        Figure(("vgg16", "--convention", "torch"), "params", _m("138"), "VGG paper, Table 2",
               "configuration D"),
        Figure(("vgg19", "--convention", "torch"), "params", _m("144"), "VGG paper, Table 2",
               "configuration E"),
        Figure(("vgg19",), "MAdds", _m("19.6", 10**9), "ResNet paper, Fig. 3",
               "VGG-19's \"19.6 billion FLOPs\""),
        Figure(("vgg19", "--convention", "keras"), "params", _m("143.7"),
               "Keras applications table"),
        Figure(("vgg19_bn", "--convention", "torch"), "params", _exact("143,678,248"),
               "torchvision's model table", "batch norm's γ, β added"),
    ]),
    ("DenseNet", "zoo/densenet.md", [
        Figure(("densenet121", "--convention", "torch"), "params", _exact("7,978,856"),
               "torchvision's model table"),
        Figure(("densenet121",), "MAdds", _m("2.834", 10**9), "torchvision (\"GFLOPS\")"),
        Figure(("densenet161", "--convention", "torch"), "params", _exact("28,681,000"),
               "torchvision's model table"),
        Figure(("densenet169",), "MAdds", _m("3.36", 10**9), "torchvision (\"GFLOPS\")"),
        Figure(("densenet201", "--convention", "torch"), "params", _m("20"),
               "DenseNet paper, Sec. 4.4", "\"DenseNet-201 with 20M parameters\""),
        Figure(("densenet121", "--convention", "keras"), "params", _m("8.1"),
               "Keras applications table", "with batch norm's moving statistics"),
        Figure(("densenet169", "--convention", "keras"), "params", _m("14.3"),
               "Keras applications table"),
        Figure(("densenet201", "--convention", "keras"), "params", _m("20.2"),
               "Keras applications table"),
    ]),
    ("MNASNet", "zoo/mnasnet.md", [
        Figure(("mnasnet1_0",), "MAdds", _m("312"), "MnasNet paper, Table 1",
               "MnasNet-A1, with SE: another network"),
        Figure(("mnasnet1_0", "--convention", "torch"), "params", _m("3.9"),
               "MnasNet paper, Table 1", "MnasNet-A1, with SE: another network"),
        Figure(("mnasnet1_0", "--convention", "torch"), "params", _exact("4,383,312"),
               "torchvision's model table"),
        Figure(("mnasnet0_5",), "MAdds", _m("104"), "torchvision (\"GFLOPS\" 0.104)"),
    ]),
    ("Xception", "zoo/xception.md", [
        Figure(("xception", "--convention", "torch"), "params", _exact("22,855,952"),
               "Xception paper, Table 3", "all trainable params, batch norm's γ, β included"),
    ]),
    ("EfficientNet", "zoo/efficientnet.md", [
        Figure(("efficientnet_b0", "--convention", "torch"), "params", _m("5.3"),
               "EfficientNet paper, Table 2"),
        Figure(("efficientnet_b0",), "MAdds", _m("0.39", 10**9), "EfficientNet paper, Table 2",
               "printed as FLOPS; they are multiply-adds"),
        Figure(("efficientnet_b7", "--convention", "torch"), "params", _m("66"),
               "EfficientNet paper, Table 2"),
    ]),
    ("EfficientNetV2", "zoo/efficientnet.md#efficientnetv2-in-keras", [
        *(f for name, params, flops in (("b0", "7.1", "0.72"), ("b1", "8.1", "1.2"),
                                         ("b2", "10.1", "1.7"), ("b3", "14.4", "3.0"))
          for f in (
              Figure((f"efficientnet_v2_{name}_keras", "--convention", "torch"), "params",
                     _m(params), V2_README, "trainable params"),
              Figure((f"efficientnet_v2_{name}_keras",), "MAdds", _m(flops, 10**9), V2_README,
                     "printed as FLOPs; they are multiply-adds"))),
        Figure(("efficientnet_v2_s", "--convention", "torch"), "params", _m("21.5"), V2_README),
        Figure(("efficientnet_v2_s",), "MAdds", _m("8.4", 10**9), V2_README,
               "printed as FLOPs; they are multiply-adds"),
        Figure(("efficientnet_v2_m", "--convention", "torch"), "params", _m("54.1"), V2_README),
        Figure(("efficientnet_v2_m",), "MAdds", _m("24.7", 10**9), V2_README, "not traced"),
        Figure(("efficientnet_v2_l", "--convention", "torch"), "params", _m("119.5"), V2_README,
               "not traced; Keras's and torchvision's L are exactly mbcalc's"),
        Figure(("efficientnet_v2_l",), "MAdds", _m("56.3", 10**9), V2_README, "not traced"),
        Figure(("efficientnet_v2_s", "--convention", "torch"), "params", _m("22"),
               "EfficientNetV2 paper, Table 7", "the release's S: 21.5M"),
        Figure(("efficientnet_v2_s",), "MAdds", _m("8.8", 10**9),
               "EfficientNetV2 paper, Table 7", "the release's S: 8.4B"),
        Figure(("efficientnet_v2_m", "--convention", "torch"), "params", _m("54"),
               "EfficientNetV2 paper, Table 7"),
        Figure(("efficientnet_v2_m",), "MAdds", _m("24", 10**9),
               "EfficientNetV2 paper, Table 7", "the release's M: 24.7B"),
        Figure(("efficientnet_v2_l", "--convention", "torch"), "params", _m("120"),
               "EfficientNetV2 paper, Table 7", "the release's L: 119.5M"),
        Figure(("efficientnet_v2_l",), "MAdds", _m("53", 10**9),
               "EfficientNetV2 paper, Table 7", "the release's L: 56.3B"),
    ]),
    ("Inception-ResNet-v2", "zoo/inception_resnet_v2.md", [
        Figure(("inception_resnet_v2", "--convention", "keras"), "params", _m("55.9"),
               "Keras applications table", "the paper prints no parameter count"),
    ]),
    ("RegNet", "zoo/regnet.md", [
        Figure(("regnet_y_400mf", "--convention", "torch"), "params", _m("4.3"),
               "RegNet paper, appendix (RegNetY)"),
        Figure(("regnet_y_400mf",), "MAdds", _m("0.4", 10**9), "RegNet paper, appendix (RegNetY)",
               "printed as flops; they are multiply-adds"),
    ]),
    ("ConvNeXt", "zoo/convnext.md", [
        Figure(("convnext_tiny", "--convention", "torch"), "params", _m("28", cut=True),
               "ConvNeXt paper, Table 1", "28.59M printed as 28M"),
        Figure(("convnext_tiny",), "MAdds", _m("4.5", 10**9), "ConvNeXt paper, Table 1",
               "printed as FLOPs; they are multiply-adds"),
        Figure(("convnext_tiny", "--convention", "torch"), "params", _exact("28,589,128"),
               "torchvision's model table"),
        Figure(("convnext_small", "--convention", "torch"), "params", _m("50"),
               "ConvNeXt paper, Table 1"),
        Figure(("convnext_small",), "MAdds", _m("8.7", 10**9), "ConvNeXt paper, Table 1"),
        Figure(("convnext_base", "--convention", "torch"), "params", _m("89"),
               "ConvNeXt paper, Table 1"),
        Figure(("convnext_base",), "MAdds", _m("15.4", 10**9), "ConvNeXt paper, Table 1"),
        Figure(("convnext_large", "--convention", "torch"), "params", _m("198"),
               "ConvNeXt paper, Table 1"),
        Figure(("convnext_large",), "MAdds", _m("34.4", 10**9), "ConvNeXt paper, Table 1"),
    ]),
]


def figure(name: str, quantity: str = "MAdds") -> Figure | None:
    """The first figure printed for zoo network ``name`` itself (no options), if any."""
    for _, _, figures in PAPERS:
        for f in figures:
            if f.args == (name,) and f.quantity == quantity:
                return f
    return None
