#!/usr/bin/python3
"""Writes the .npy fixtures NpyTest reads, with NumPy itself as the independent writer."""
import numpy as np
a = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
np.save("f4.npy", a)
np.save("f8.npy", a.astype(np.float64))
np.save("i8.npy", np.arange(4, dtype=np.int64))
np.save("f4_big_endian.npy", a.astype(">f4"))
np.save("fortran.npy", np.asfortranarray(a))
np.save("complex.npy", np.zeros(2, dtype=np.complex64))
np.save("scalar.npy", np.float32(2.5))
raw = open("f4.npy", "rb").read()
open("truncated.npy", "wb").write(raw[:-4])
