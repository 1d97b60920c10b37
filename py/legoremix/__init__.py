"""legoremix: the best Lego mosaic your own pieces can make.

The engine is plain Python (numpy when available, see :mod:`legoremix._array`). Typical
use::

    from legoremix import pipeline
    mosaic = pipeline.make_mosaic("dog.jpg", sets=["31197"], size=(48, 48))
    print(mosaic.mean_delta_e, mosaic.counts)

LEGO is a trademark of the LEGO Group, which does not sponsor or endorse this project.
"""
__version__ = "0.1.0"
