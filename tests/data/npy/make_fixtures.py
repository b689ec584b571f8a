# Regenerates the .npy fixtures of tests/unit/npy_test.cpp with NumPy (Debian's /usr/bin/python3).
import numpy as np

np.save('f4_2x3.npy', np.arange(6, dtype='<f4').reshape(2, 3) * 0.5 - 1)
np.save('f8_be_3.npy', np.array([1.5, -2.25, 1e300], dtype='>f8'))
np.save('i8_be_2x2.npy', np.array([[1, -2], [3, 2**40]], dtype='>i8'))
np.save('b1_4.npy', np.array([True, False, True, True]))
np.save('f2_3.npy', np.array([1.0, -0.5, 65504.0], dtype='<f2'))
np.save('u2_scalar.npy', np.array(513, dtype='<u2'))
np.save('i4_fortran.npy', np.asfortranarray(np.arange(6, dtype='<i4').reshape(2, 3)))
with open('u1_v2.npy', 'wb') as f:
    np.lib.format.write_array(f, np.array([1, 2, 255], dtype='u1'), version=(2, 0))
with open('i2_v3.npy', 'wb') as f:
    np.lib.format.write_array(f, np.array([[-7], [300]], dtype='<i2'), version=(3, 0))
