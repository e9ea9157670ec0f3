#!/usr/bin/python3
# Where picard spends its steps on the side-by-side MLP: distance to the end point per step (the transit, then the
# linear tail at the attractor's rate) for the first 200 seeds of the benchmark's seed file. Debian python3-torch.
# usage: /usr/bin/python3 trajectory_phases.py [MODEL_DIR] [SEEDS.npy]
import sys
import torch, numpy as np
torch.set_num_threads(2)
M=sys.argv[1] if len(sys.argv)>1 else '/tmp/bench/work/models/mlp784-torchscript'
S=sys.argv[2] if len(sys.argv)>2 else '/tmp/bench/work/seeds.npy'
E=torch.jit.load(M+'/encoder.pt'); D=torch.jit.load(M+'/decoder.pt')
f=lambda z: E(D(z))
seeds=torch.from_numpy(np.load(S)[:200])
with torch.no_grad():
    z=seeds.clone(); hist=[z.clone()]
    for t in range(400):
        z=f(z); hist.append(z.clone())
    zs=z
    H=torch.stack(hist)  # T,n,k
    err=(H-zs[None]).norm(dim=2)  # T,n
    res=(H[1:]-H[:-1]).norm(dim=2)
    for i in range(3):
        e=err[:,i].numpy(); print('seed',i,'|z*|',zs[i].norm().item())
        print(' err', np.round(e[[0,1,2,3,5,10,15,20,30,40,50,60,80]],4))
        print(' ratio', np.round((e[1:]/e[:-1])[[0,1,2,3,5,10,15,20,30,40,50]],3))
    # steps to residual<1e-3
    conv=(res**2<1e-6).float().argmax(0)
    print('median steps', conv.median().item())
    # at which step is the error within 0.1*|z*|?
    rel=err/zs.norm(dim=1)[None]
    for th in [0.3,0.1,0.03,0.01]:
        print('rel err <',th,'median step', (rel<th).float().argmax(0).median().item())
