X = 1


def register(extend):
    raise RuntimeError('boom')
