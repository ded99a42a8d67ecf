"""The seed documents' own examples, rebuilt layer for layer (``shared/seeds/``).

1. The PyTorch demo of seed 003 ("深度学习网络模型的轻量化方法", §1.3): one wrapper class,
   ``CSDN_Tem``, a single ``nn.Conv2d`` with stride 1 and ``bias=False``, used three times on a
   3×16×16 input and printed with torchsummary:

   - ``CSDN_Tem(3, 32, 3, 1, 1)``: standard 3×3 conv, 3 → 32, padding 1: 3·3·3·32 = 864 params;
   - ``CSDN_Tem(3, 3, 3, padding=1, groups=3)``: depthwise 3×3 on 3 channels: 3·3·3 = 27;
   - ``CSDN_Tem(3, 32, 1, padding=0, groups=1)``: pointwise 3 → 32 on the depthwise output:
     3·32 = 96; depthwise separable = 27 + 96 = 123 params against 864.

   With ``bias=False`` these are the paper-convention counts and also what ``numel()`` gives.

2. The Keras MobileNetV1 of seed 004 ("MobileNetV1轻量化网络结构(Tensorflow-2.6.0实现结构)",
   §8): a ``keras.Model`` subclass, written with Keras's default ``use_bias=True`` on every
   Conv2D and DepthwiseConv2D, batch norm after each, ``Dense(num_classes)`` (with bias) before
   ``Dropout(0.5)`` and softmax. Its body is not the paper's Table 1: the sixth block's pointwise
   has 256 filters (the paper: 512) and the twelfth 512 (the paper: 1024). ``seed_mobilenet_v1``
   builds it in Keras 3 as the seed wrote it; ``seed_mobilenet_v1_torch`` is the same network
   in PyTorch, biases included. The spec ``specs/seed_mobilenet_v1_keras.yaml`` reproduces both.
"""

from __future__ import annotations

from typing import Any

from torch import Tensor, nn


class CSDN_Tem(nn.Module):  # noqa: N801 - the seed's own name
    """The seed's conv wrapper: ``nn.Conv2d(in, out, k, stride=1, padding, groups, bias=False)``."""

    def __init__(self, in_ch: int, out_ch: int, kernel_size: int, padding: int,
                 groups: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels=in_ch, out_channels=out_ch, kernel_size=kernel_size,
                              stride=1, padding=padding, groups=groups, bias=False)

    def forward(self, input: Tensor) -> Tensor:  # noqa: A002 - the seed's own name
        out: Tensor = self.conv(input)
        return out


SEED_INPUT = (3, 16, 16)
"""The seed's input, ``torch.FloatTensor(3, 16, 16)``: C, H, W."""


def seed_conv() -> CSDN_Tem:
    """``conv = CSDN_Tem(3, 32, 3, 1, 1)``: standard 3×3 conv, 3 → 32 (864 params)."""
    return CSDN_Tem(3, 32, 3, 1, 1)


def seed_conv_dw() -> CSDN_Tem:
    """``conv_dw = CSDN_Tem(3, 3, 3, padding=1, groups=3)``: depthwise 3×3 (27 params)."""
    return CSDN_Tem(3, 3, 3, padding=1, groups=3)


def seed_conv_pw() -> CSDN_Tem:
    """``conv_pw = CSDN_Tem(3, 32, 1, padding=0, groups=1)``: pointwise 3 → 32 (96 params)."""
    return CSDN_Tem(3, 32, 1, padding=0, groups=1)


SEED_MOBILENET_V1_BLOCKS: tuple[tuple[int, int], ...] = (
    (64, 1),
    (128, 2),
    (128, 1),
    (256, 2),
    (256, 1),
    (256, 2),  # the paper's Table 1 has 512 here
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 1),
    (512, 2),  # the paper's Table 1 has 1024 here
    (1024, 1),
)
"""(pointwise filters, depthwise stride) of the seed's 13 ``DepthWiseConv`` blocks, in order."""


def seed_mobilenet_v1(num_classes: int = 1000, resolution: int = 224) -> Any:
    """The seed's Keras MobileNetV1, built on a ``(None, R, R, 3)`` input (Keras imported here).

    The seed's code, in Keras 3: the same layer classes, arguments and defaults, in the same
    order. Keras needs the backend chosen before its import; mbcalc uses torch.
    """
    import os

    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    from keras import layers

    class DepthWiseConv(keras.Model):  # type: ignore[misc]
        def __init__(self, filter: int, stride: tuple[int, int] = (1, 1)) -> None:  # noqa: A002
            super().__init__()
            self.depthwiseconv = layers.DepthwiseConv2D(kernel_size=[3, 3], strides=stride,
                                                        padding="same")
            self.depthbatch = layers.BatchNormalization()
            self.depthrelu = layers.Activation("relu")
            self.conv11 = layers.Conv2D(filter, kernel_size=[1, 1], strides=[1, 1],
                                        padding="same")
            self.conv11batch = layers.BatchNormalization()
            self.conv11relu = layers.Activation("relu")

        def call(self, inputs: Any, training: Any = None) -> Any:
            x = self.depthwiseconv(inputs)
            x = self.depthbatch(x)
            x = self.depthrelu(x)
            x = self.conv11(x)
            x = self.conv11batch(x)
            x = self.conv11relu(x)
            return x

    class MobileNetV1(keras.Model):  # type: ignore[misc]
        def __init__(self, num_classes: int) -> None:
            super().__init__()
            self.conv1 = layers.Conv2D(32, kernel_size=[3, 3], strides=[2, 2], padding="same")
            self.conv1batch = layers.BatchNormalization()
            self.conv1relu = layers.Activation("relu")
            self.depthconv = self.depthwiseconv()
            self.avgpool = layers.GlobalAveragePooling2D()
            self.dense = layers.Dense(num_classes)
            self.dropout = layers.Dropout(rate=0.5)
            self.softmax = layers.Activation("softmax")

        def depthwiseconv(self) -> Any:
            depth = keras.Sequential([])
            for filters, stride in SEED_MOBILENET_V1_BLOCKS:
                depth.add(DepthWiseConv(filter=filters, stride=(stride, stride)))
            return depth

        def call(self, inputs: Any, training: Any = None) -> Any:
            x = self.conv1(inputs)
            x = self.conv1batch(x)
            x = self.conv1relu(x)
            x = self.depthconv(x)
            x = self.avgpool(x)
            x = self.dense(x)
            x = self.dropout(x)
            x = self.softmax(x)
            return x

    model = MobileNetV1(num_classes=num_classes)
    # The seed calls model.build(input_shape=(None, 224, 224, 3)); TF 2.6's build traced call()
    # on a placeholder, which built every layer. Keras 3's build() does not trace a subclassed
    # model (count_params() would stay 0), so the model is called on a symbolic input instead.
    model(keras.Input(shape=(resolution, resolution, 3)))
    return model


def _conv_bn_relu(in_channels: int, out_channels: int, kernel: int, stride: int,
                  groups: int = 1) -> list[nn.Module]:
    return [
        nn.Conv2d(in_channels, out_channels, kernel, stride, padding=kernel // 2, groups=groups,
                  bias=True),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(),
    ]


def seed_mobilenet_v1_torch(classes: int = 1000) -> nn.Module:
    """The seed's Keras MobileNetV1 in PyTorch: every conv with a bias, as Keras's default.

    Keras's ``same`` padding and torch's ``padding=1`` give a 3×3 conv the same output size,
    ceil(D/stride), so the counts agree.
    """
    layers = _conv_bn_relu(3, 32, 3, stride=2)
    channels = 32
    for filters, stride in SEED_MOBILENET_V1_BLOCKS:
        layers += _conv_bn_relu(channels, channels, 3, stride, groups=channels)
        layers += _conv_bn_relu(channels, filters, 1, 1)
        channels = filters
    return nn.Sequential(
        *layers,
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(channels, classes, bias=True),
        nn.Dropout(p=0.5),
        nn.Softmax(dim=1),
    )


MODELS = {"seed_mobilenet_v1_keras": seed_mobilenet_v1_torch}
"""Torch builders by zoo name, taking the spec's variables as keyword arguments."""
