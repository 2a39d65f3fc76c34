"""CSS colours for `tagcloud(color=True, start_color=…, end_color=…)`: parse, mix, print.

Printing follows hexo-util's Color: opaque colours as hex (3 digits when every channel is a
multiple of 17), translucent ones as `rgba(r, g, b, a)`.
"""
from __future__ import annotations

import colorsys
import re

from engine.helpers._util import js_number, js_round

_HEX3 = re.compile(r"^#[0-9a-f]{3}$")
_HEX6 = re.compile(r"^#[0-9a-f]{6}$")
_RGB = re.compile(r"^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,?\s*(0?\.?\d+)?\s*\)$")
_HSL = re.compile(r"^hsla?\(\s*(\d{1,3})\s*,\s*(\d{1,3})%\s*,\s*(\d{1,3})%\s*,?\s*(0?\.?\d+)?\s*\)$")

# CSS3 / SVG named colours (W3C css3-color §4.3).
_NAMES = dict(item.split(":") for item in """
aliceblue:f0f8ff antiquewhite:faebd7 aqua:00ffff aquamarine:7fffd4 azure:f0ffff beige:f5f5dc
bisque:ffe4c4 black:000000 blanchedalmond:ffebcd blue:0000ff blueviolet:8a2be2 brown:a52a2a
burlywood:deb887 cadetblue:5f9ea0 chartreuse:7fff00 chocolate:d2691e coral:ff7f50
cornflowerblue:6495ed cornsilk:fff8dc crimson:dc143c cyan:00ffff darkblue:00008b darkcyan:008b8b
darkgoldenrod:b8860b darkgray:a9a9a9 darkgreen:006400 darkgrey:a9a9a9 darkkhaki:bdb76b
darkmagenta:8b008b darkolivegreen:556b2f darkorange:ff8c00 darkorchid:9932cc darkred:8b0000
darksalmon:e9967a darkseagreen:8fbc8f darkslateblue:483d8b darkslategray:2f4f4f
darkslategrey:2f4f4f darkturquoise:00ced1 darkviolet:9400d3 deeppink:ff1493 deepskyblue:00bfff
dimgray:696969 dimgrey:696969 dodgerblue:1e90ff firebrick:b22222 floralwhite:fffaf0
forestgreen:228b22 fuchsia:ff00ff gainsboro:dcdcdc ghostwhite:f8f8ff gold:ffd700
goldenrod:daa520 gray:808080 green:008000 greenyellow:adff2f grey:808080 honeydew:f0fff0
hotpink:ff69b4 indianred:cd5c5c indigo:4b0082 ivory:fffff0 khaki:f0e68c lavender:e6e6fa
lavenderblush:fff0f5 lawngreen:7cfc00 lemonchiffon:fffacd lightblue:add8e6 lightcoral:f08080
lightcyan:e0ffff lightgoldenrodyellow:fafad2 lightgray:d3d3d3 lightgreen:90ee90 lightgrey:d3d3d3
lightpink:ffb6c1 lightsalmon:ffa07a lightseagreen:20b2aa lightskyblue:87cefa
lightslategray:778899 lightslategrey:778899 lightsteelblue:b0c4de lightyellow:ffffe0 lime:00ff00
limegreen:32cd32 linen:faf0e6 magenta:ff00ff maroon:800000 mediumaquamarine:66cdaa
mediumblue:0000cd mediumorchid:ba55d3 mediumpurple:9370db mediumseagreen:3cb371
mediumslateblue:7b68ee mediumspringgreen:00fa9a mediumturquoise:48d1cc mediumvioletred:c71585
midnightblue:191970 mintcream:f5fffa mistyrose:ffe4e1 moccasin:ffe4b5 navajowhite:ffdead
navy:000080 oldlace:fdf5e6 olive:808000 olivedrab:6b8e23 orange:ffa500 orangered:ff4500
orchid:da70d6 palegoldenrod:eee8aa palegreen:98fb98 paleturquoise:afeeee palevioletred:db7093
papayawhip:ffefd5 peachpuff:ffdab9 peru:cd853f pink:ffc0cb plum:dda0dd powderblue:b0e0e6
purple:800080 red:ff0000 rosybrown:bc8f8f royalblue:4169e1 saddlebrown:8b4513 salmon:fa8072
sandybrown:f4a460 seagreen:2e8b57 seashell:fff5ee sienna:a0522d silver:c0c0c0 skyblue:87ceeb
slateblue:6a5acd slategray:708090 slategrey:708090 snow:fffafa springgreen:00ff7f
steelblue:4682b4 tan:d2b48c teal:008080 thistle:d8bfd8 tomato:ff6347 turquoise:40e0d0
violet:ee82ee wheat:f5deb3 white:ffffff whitesmoke:f5f5f5 yellow:ffff00 yellowgreen:9acd32
""".split())


class Color:
    __slots__ = ("r", "g", "b", "a")

    def __init__(self, r: int, g: int, b: int, a: float = 1.0):
        if not (0 <= r <= 255 and 0 <= g <= 255 and 0 <= b <= 255 and 0 <= a <= 1):
            raise ValueError(f"{{r: {r}, g: {g}, b: {b}, a: {a}}} is invalid.")
        self.r, self.g, self.b, self.a = r, g, b, a

    @classmethod
    def parse(cls, text: str) -> "Color":
        s = str(text).lower()
        if s in _NAMES:
            v = int(_NAMES[s], 16)
            return cls(v >> 16, (v >> 8) & 255, v & 255)
        if _HEX3.match(s):
            return cls(*(int(ch, 16) * 17 for ch in s[1:]))
        if _HEX6.match(s):
            v = int(s[1:], 16)
            return cls(v >> 16, (v >> 8) & 255, v & 255)
        m = _RGB.match(s)
        if m:
            return cls(int(m[1]), int(m[2]), int(m[3]), float(m[4]) if m[4] else 1.0)
        m = _HSL.match(s)
        if m:
            r, g, b = colorsys.hls_to_rgb(int(m[1]) / 360, int(m[3]) / 100, int(m[2]) / 100)
            return cls(js_round(r * 255), js_round(g * 255), js_round(b * 255),
                       float(m[4]) if m[4] else 1.0)
        raise ValueError(f"{text} is not a supported color format.")

    def mix(self, other: "Color", ratio: float) -> "Color":
        if ratio <= 0:
            return Color(self.r, self.g, self.b, self.a)
        if ratio >= 1:
            return Color(other.r, other.g, other.b, other.a)

        def mixv(a: float, b: float) -> float:
            return a + (b - a) * ratio

        return Color(js_round(mixv(self.r, other.r)), js_round(mixv(self.g, other.g)),
                     js_round(mixv(self.b, other.b)), mixv(self.a, other.a))

    def __str__(self) -> str:
        if self.a == 1:
            if self.r % 17 or self.g % 17 or self.b % 17:
                return f"#{self.r:02x}{self.g:02x}{self.b:02x}"
            return f"#{self.r // 17:x}{self.g // 17:x}{self.b // 17:x}"
        return f"rgba({self.r}, {self.g}, {self.b}, {js_number(float(f'{self.a:.2f}'))})"
